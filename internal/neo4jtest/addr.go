package neo4jtest

import (
	"fmt"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
)

// RefusedAddr returns a 127.0.0.1 address where connections are refused,
// held for the test alone until it ends: a TCP socket bound to a port the
// kernel chose, but not listening. Unlike a listener closed to free its
// port, nothing else can start listening there in the meantime.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("neo4jtest: socket for a refused address: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("neo4jtest: bind 127.0.0.1:0 for a refused address: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("neo4jtest: getsockname: %v", err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

// DeadEnd is a 127.0.0.1 listener that plays a broken Neo4j and counts the
// connections it accepts: a test can tell how many connections the code
// under test tried.
type DeadEnd struct {
	Addr  string
	dials atomic.Int64
}

// Dials is the number of connections accepted so far.
func (d *DeadEnd) Dials() int64 { return d.dials.Load() }

// NewDeadEnd starts a DeadEnd that closes every connection at once, as a
// Neo4j that crashes on each connection does; stopped when the test ends.
func NewDeadEnd(t testing.TB) *DeadEnd { return newDeadEnd(t, false) }

// NewSilent starts a DeadEnd that keeps every connection open and never
// reads or answers, as a hung Neo4j does; stopped when the test ends.
func NewSilent(t testing.TB) *DeadEnd { return newDeadEnd(t, true) }

func newDeadEnd(t testing.TB, hold bool) *DeadEnd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("neo4jtest: listen on 127.0.0.1:0: %v", err)
	}
	d := &DeadEnd{Addr: ln.Addr().String()}
	done := make(chan struct{})
	var held []net.Conn // only the accept goroutine touches it before done
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.dials.Add(1)
			if hold {
				held = append(held, c)
			} else {
				c.Close()
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return d
}
