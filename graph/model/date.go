package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"armsgraph/internal/kg"
)

// MarshalPartialDate writes a PartialDate at its own precision.
func MarshalPartialDate(d kg.PartialDate) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalPartialDate reads a PartialDate ("2016", "2016-11" or
// "2016-11-14"); anything else is an ErrInvalid input error.
func UnmarshalPartialDate(v any) (kg.PartialDate, error) {
	s, ok := v.(string)
	if !ok {
		return kg.PartialDate{}, kg.Invalid("", fmt.Sprintf("a PartialDate must be a string, got %T", v))
	}
	d, err := kg.ParsePartialDate(s)
	if err != nil {
		return kg.PartialDate{}, kg.Invalid("", err.Error())
	}
	return d, nil
}
