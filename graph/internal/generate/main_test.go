package main

import (
	"bytes"
	"strings"
	"testing"
)

const concurrentSrc = `package graph

func (ec *executionContext) marshalNWeapon(ctx context.Context, sel ast.SelectionSet, v []*model.Weapon) graphql.Marshaler {
	deferred := graphql.NewDeferredGroup(ctx)
	_ = deferred
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalWeapon(ctx, sel, v[i])
	})
	return ret
}
`

// TestRewrite checks that the rewrite replaces every concurrent list
// marshalling, is idempotent, and refuses what it does not understand.
func TestRewrite(t *testing.T) {
	once, err := rewrite([]byte(concurrentSrc))
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if bytes.Contains(once, concurrentSlice) || !bytes.Contains(once, []byte("ret := marshalSlice(ctx, len(v), 0, false,")) ||
		bytes.Contains(once, newDeferred) || !bytes.Contains(once, []byte("var deferred graphql.DeferredGroup")) {
		t.Errorf("rewrite left:\n%s", once)
	}
	twice, err := rewrite(once)
	if err != nil {
		t.Fatalf("rewrite of the rewritten source: %v", err)
	}
	if !bytes.Equal(once, twice) {
		t.Errorf("rewrite is not idempotent:\n%s\nthen\n%s", once, twice)
	}

	for _, tc := range []struct{ name, src, msg string }{
		{"template changed", "package graph\n\nfunc f() {}\n", "gqlgen's list template has changed"},
		{"plugin did not take", concurrentSrc + "\nfunc g() { out.ResolveConcurrently(oc, &deferred, i, true, false, nil) }\n", "still resolved concurrently"},
	} {
		if _, err := rewrite([]byte(tc.src)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: rewrite error = %v, want one saying %q", tc.name, err, tc.msg)
		}
	}
}
