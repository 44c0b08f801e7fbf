package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"armsgraph/internal/server"
)

// runToken makes, revokes and lists the access tokens of a tokens file.
func runToken(_ context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("token", "Makes an access token for `armsgraph serve --tokens-file`: adds its name and hash to the file\n"+
		"(creating it, readable by you only) and prints the token on stdout, once; it is kept nowhere else.\n"+
		"A running server picks up the change at its next request. --revoke deletes a token's line,\n"+
		"which refuses that token from the next request on; --list prints the names.\n\n"+
		"  armsgraph token --file tokens --name alice      # prints agt_…\n"+
		"  armsgraph token --file tokens --revoke alice", stderr)
	file := fs.String("file", env("ARMSGRAPH_TOKENS_FILE"), "the tokens file [ARMSGRAPH_TOKENS_FILE]")
	name := fs.String("name", "", "name of the new token: who or what uses it (letters, digits, . _ @ -)")
	revoke := fs.String("revoke", "", "name of the token to revoke")
	list := fs.Bool("list", false, "list the names of the tokens in the file")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	chosen := 0
	for _, set := range []bool{*name != "", *revoke != "", *list} {
		if set {
			chosen++
		}
	}
	if *file == "" || chosen != 1 {
		fmt.Fprintln(stderr, "armsgraph token needs --file (or ARMSGRAPH_TOKENS_FILE) and one of --name, --revoke or --list")
		fs.Usage()
		return errUsageShown
	}
	switch {
	case *list:
		data, err := os.ReadFile(*file)
		if err != nil {
			return fmt.Errorf("read tokens file: %w", err)
		}
		entries, err := server.ParseTokens(*file, data)
		if err != nil {
			return err
		}
		for _, e := range entries {
			fmt.Fprintln(stdout, e.Name)
		}
		return nil
	case *revoke != "":
		if err := server.RevokeToken(*file, *revoke); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "revoked token %q: %s no longer holds it\n", *revoke, *file)
		return nil
	}
	token, err := server.AddToken(*file, *name)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("%w (run as the user who owns %s)", err, *file)
		}
		return err
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "added token %q to %s. It is shown this once: give it to its user, who sends it as\n"+
		"Authorization: Bearer <token>. Revoke it with: armsgraph token --file %s --revoke %s\n", *name, *file, *file, *name)
	return nil
}
