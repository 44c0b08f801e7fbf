package main

import (
	"context"
	"errors"
	"io"
)

func runServe(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	return errors.New("serve: not built yet")
}
func runSynth(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	return errors.New("synth: not built yet")
}
func runBench(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	return errors.New("bench: not built yet")
}
