package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"armsgraph/internal/kg"
)

// The extensions.code values the API sets. Parse and validation errors keep
// gqlgen's own codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED).
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeNotFound     = "NOT_FOUND"
	CodeUnavailable  = "UNAVAILABLE"
	CodeTimeout      = "TIMEOUT"
	CodeInternal     = "INTERNAL_SERVER_ERROR"

	// ReasonLimitExceeded is extensions.reason of a BAD_USER_INPUT error
	// for a request over a limit; extensions.limit then names the limit.
	ReasonLimitExceeded = "LIMIT_EXCEEDED"
)

// errPanic is what the recover func hands the presenter: the panic was
// logged already, the client sees only "internal error".
type errPanic struct{}

func (errPanic) Error() string { return "internal error" }

// RecoverFunc turns a panic in a resolver into an INTERNAL_SERVER_ERROR,
// logging the panic value and stack once.
func RecoverFunc(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "path", pathOf(ctx), "stack", string(debug.Stack()))
		return errPanic{}
	}
}

// ErrorPresenter maps errors to GraphQL errors in one place: kg.InputError
// and ErrInvalid → BAD_USER_INPUT (with extensions.argument), ErrLimit and
// CostLimit's refusal → BAD_USER_INPUT with reason LIMIT_EXCEEDED
// and extensions.limit, ErrNotFound → NOT_FOUND, ErrUnavailable →
// UNAVAILABLE, ErrTimeout and an expired request context → TIMEOUT. An
// error of no known kind is logged once with its cause and reaches the
// client as INTERNAL_SERVER_ERROR "internal error".
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		code, _ := gerr.Extensions["code"].(string)
		var input *kg.InputError
		var panicked errPanic
		switch {
		case errors.Is(err, errOverBudget):
			return &gqlerror.Error{Message: err.Error(), Path: gerr.Path, Extensions: map[string]any{"code": codeOverBudget}}
		case errors.As(err, &panicked):
			return present(gerr, "internal error", CodeInternal)
		case code == "COMPLEXITY_LIMIT_EXCEEDED":
			out := present(gerr, gerr.Message, CodeBadUserInput)
			out.Extensions["reason"] = ReasonLimitExceeded
			out.Extensions["limit"] = "complexity"
			out.Extensions["estimate"] = gerr.Extensions["estimate"]
			out.Extensions["max"] = gerr.Extensions["max"]
			return out
		case code != "":
			return gerr // parse, validation and limit errors made with their code
		case errors.As(err, &input):
			arg := input.Arg
			if arg == "" {
				// A scalar that failed to parse does not know its argument;
				// gqlgen put the argument's name last on the path.
				if n := len(gerr.Path); n > 0 {
					if name, ok := gerr.Path[n-1].(ast.PathName); ok {
						arg = string(name)
						gerr.Path = gerr.Path[:n-1]
					}
				}
			}
			msg := input.Msg
			if arg != "" {
				msg = arg + ": " + input.Msg
			}
			switch {
			case errors.Is(err, kg.ErrNotFound):
				out := present(gerr, msg, CodeNotFound)
				out.Extensions["argument"] = arg
				return out
			case errors.Is(err, kg.ErrLimit):
				out := present(gerr, msg, CodeBadUserInput)
				out.Extensions["argument"] = arg
				out.Extensions["reason"] = ReasonLimitExceeded
				out.Extensions["limit"] = arg
				return out
			}
			out := present(gerr, msg, CodeBadUserInput)
			if arg != "" {
				out.Extensions["argument"] = arg
			}
			return out
		case errors.Is(err, kg.ErrInvalid):
			return present(gerr, "invalid input", CodeBadUserInput)
		case errors.Is(err, kg.ErrUnavailable):
			logger.WarnContext(ctx, "graph database unavailable", "path", gerr.Path.String(), "err", err)
			return present(gerr, "the graph database is unavailable; try again later", CodeUnavailable)
		case errors.Is(err, kg.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			logger.WarnContext(ctx, "query timed out", "path", gerr.Path.String(), "err", err)
			return present(gerr, "the query took longer than the server allows; narrow it (smaller depth, hops or limit)", CodeTimeout)
		case errors.Is(err, context.Canceled):
			return present(gerr, "the request was cancelled", CodeTimeout)
		case errors.Is(err, kg.ErrNotFound):
			return present(gerr, "not found", CodeNotFound)
		case isRequestError(err):
			// gqlgen's own words about the request itself (a body that is
			// not JSON, a missing operation): no cause, nothing internal,
			// and never the request echoed back.
			gerr.Message = requestErrorMessage(gerr.Message)
			gerr.Extensions = withCode(gerr.Extensions, CodeBadUserInput)
			return gerr
		}
		logger.ErrorContext(ctx, "internal error", "path", gerr.Path.String(), "err", err)
		return present(gerr, "internal error", CodeInternal)
	}
}

// isRequestError reports whether err is an error gqlgen's transport made
// about the request: a bare gqlerror with neither cause nor field path.
func isRequestError(err error) bool {
	g, ok := err.(*gqlerror.Error)
	return ok && g.Err == nil && len(g.Path) == 0
}

// gqlgenBodyError begins the message of gqlgen's POST transport for a body
// it cannot decode; the message goes on with " body:" and the whole body.
const gqlgenBodyError = "json request body could not be decoded: "

// maxRequestErrorLen caps a request error's message, which must say what is
// wrong with the request without quoting it at length.
const maxRequestErrorLen = 300

// requestErrorMessage keeps gqlgen's words about a bad request but drops
// any echo of the request: the body gqlgen appends to a JSON decoding
// error, and anything past maxRequestErrorLen bytes. The server refuses
// undecodable bodies itself, with a better message, before gqlgen sees
// them (internal/server); this is the second line.
func requestErrorMessage(msg string) string {
	if rest, ok := strings.CutPrefix(msg, gqlgenBodyError); ok {
		// encoding/json's error comes first and never holds " body:".
		msg = "the request body is not valid JSON"
		if cause, _, found := strings.Cut(rest, " body:"); found && cause != "" {
			msg += ": " + cause
		}
	}
	if len(msg) > maxRequestErrorLen {
		cut := maxRequestErrorLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// present copies the position of gerr into a fresh error with a safe
// message and a code, dropping the cause.
func present(gerr *gqlerror.Error, msg, code string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    msg,
		Path:       gerr.Path,
		Locations:  gerr.Locations,
		Extensions: withCode(nil, code),
	}
}

func withCode(ext map[string]any, code string) map[string]any {
	out := make(map[string]any, len(ext)+1)
	for k, v := range ext {
		out[k] = v
	}
	out["code"] = code
	return out
}

func pathOf(ctx context.Context) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		return fc.Path().String()
	}
	return ""
}

// limitError is the error of a request over a limit that is not one
// argument: the query's depth, for instance.
func limitError(limit string, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf(format, args...),
		Extensions: map[string]any{
			"code":   CodeBadUserInput,
			"reason": ReasonLimitExceeded,
			"limit":  limit,
		},
	}
}
