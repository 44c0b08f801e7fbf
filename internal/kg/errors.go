package kg

import "errors"

// Error kinds shared by every layer. The store translates driver errors into
// them; the GraphQL error presenter maps them to extensions.code.
var (
	ErrNotFound    = errors.New("not found")
	ErrInvalid     = errors.New("invalid input")
	ErrLimit       = errors.New("limit exceeded")
	ErrUnavailable = errors.New("graph database unavailable")
	ErrTimeout     = errors.New("timed out")
)

// InputError is bad client input: Arg names the argument, Msg says what is wrong and how to fix it.
type InputError struct {
	Arg string
	Msg string
	Err error // ErrInvalid or ErrLimit
}

func (e *InputError) Error() string { return e.Arg + ": " + e.Msg }
func (e *InputError) Unwrap() error { return e.Err }

// Invalid builds an ErrInvalid InputError.
func Invalid(arg, msg string) error { return &InputError{Arg: arg, Msg: msg, Err: ErrInvalid} }

// OverLimit builds an ErrLimit InputError.
func OverLimit(arg, msg string) error { return &InputError{Arg: arg, Msg: msg, Err: ErrLimit} }
