package model

import (
	"fmt"
	"io"
	"strconv"
)

// Confidence is the GraphQL enum of kg.Confidence; the values are the same strings.
type Confidence string

// The confidence levels, strongest first.
const (
	ConfidenceConfirmed Confidence = "CONFIRMED"
	ConfidenceReported  Confidence = "REPORTED"
	ConfidenceAlleged   Confidence = "ALLEGED"
	ConfidenceDisputed  Confidence = "DISPUTED"
)

// IsValid reports whether c is a value of the enum.
func (c Confidence) IsValid() bool {
	switch c {
	case ConfidenceConfirmed, ConfidenceReported, ConfidenceAlleged, ConfidenceDisputed:
		return true
	}
	return false
}

// UnmarshalGQL reads the enum from a request.
func (c *Confidence) UnmarshalGQL(v any) error { return unmarshalEnum(c, v, "Confidence") }

// MarshalGQL writes the enum.
func (c Confidence) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }

// EntityKind is the GraphQL enum of kg.Kind; the values are the same strings.
type EntityKind string

// The entity kinds.
const (
	EntityKindCountry      EntityKind = "COUNTRY"
	EntityKindOrganization EntityKind = "ORGANIZATION"
	EntityKindPerson       EntityKind = "PERSON"
	EntityKindWeapon       EntityKind = "WEAPON"
	EntityKindAgreement    EntityKind = "AGREEMENT"
	EntityKindTransfer     EntityKind = "TRANSFER"
	EntityKindEvent        EntityKind = "EVENT"
	EntityKindResolution   EntityKind = "RESOLUTION"
)

// IsValid reports whether k is a value of the enum.
func (k EntityKind) IsValid() bool {
	switch k {
	case EntityKindCountry, EntityKindOrganization, EntityKindPerson, EntityKindWeapon,
		EntityKindAgreement, EntityKindTransfer, EntityKindEvent, EntityKindResolution:
		return true
	}
	return false
}

// UnmarshalGQL reads the enum from a request.
func (k *EntityKind) UnmarshalGQL(v any) error { return unmarshalEnum(k, v, "EntityKind") }

// MarshalGQL writes the enum.
func (k EntityKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// LineageDirection is the GraphQL enum of kg.Direction; the values are the same strings.
type LineageDirection string

// The lineage directions.
const (
	LineageDirectionAncestors   LineageDirection = "ANCESTORS"
	LineageDirectionDescendants LineageDirection = "DESCENDANTS"
	LineageDirectionBoth        LineageDirection = "BOTH"
)

// IsValid reports whether d is a value of the enum.
func (d LineageDirection) IsValid() bool {
	switch d {
	case LineageDirectionAncestors, LineageDirectionDescendants, LineageDirectionBoth:
		return true
	}
	return false
}

// UnmarshalGQL reads the enum from a request.
func (d *LineageDirection) UnmarshalGQL(v any) error {
	return unmarshalEnum(d, v, "LineageDirection")
}

// MarshalGQL writes the enum.
func (d LineageDirection) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

type enum interface {
	~string
	IsValid() bool
}

func unmarshalEnum[E enum](dst *E, v any, name string) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string, got %T", name, v)
	}
	e := E(s)
	if !e.IsValid() {
		return fmt.Errorf("%q is not a valid %s", s, name)
	}
	*dst = e
	return nil
}
