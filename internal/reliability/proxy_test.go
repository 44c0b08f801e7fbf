package reliability

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"sync"
	"testing"
	"time"
)

// boltProxy is a TCP proxy on 127.0.0.1 in front of a Neo4j Bolt port. Down
// makes Neo4j look dead to everything behind the proxy, as a crash or a
// stopped server does: it cuts every open connection and drops each new
// one as soon as it is accepted (the client sees its connection end before
// any answer, as from a Neo4j that is shutting down). Up forwards again.
// The proxy keeps its listener from start to end: a port closed and opened
// again could be taken by another process in between. With sniffing on, the proxy decodes the Bolt messages the client
// sends and records every transaction it begins (BEGIN) and every query it
// runs (RUN), so a test can see the access mode of each transaction on the
// wire.
type boltProxy struct {
	target string
	addr   string // host:port the proxy listens on, stable across Down/Up

	mu    sync.Mutex
	ln    net.Listener
	down  bool // Down was called and Up not yet
	conns map[net.Conn]struct{}
	msgs  []boltMessage
	sniff bool
	// onCommit, when set, is asked at every COMMIT the client sends whether
	// to go down right after forwarding it (see CutAtCommit).
	onCommit func() bool
	wg       sync.WaitGroup
}

// boltMessage is a client→server Bolt message the sniffer decoded.
type boltMessage struct {
	Type   string         // BEGIN, RUN, COMMIT, ROLLBACK, ...
	Query  string         // RUN: the Cypher text
	Extra  map[string]any // BEGIN and RUN: the extra map (mode, db, tx_metadata …)
	Conn   int            // which proxied connection sent it
	Offset int            // the message's index in its connection
}

func newBoltProxy(t *testing.T, target string, sniff bool) *boltProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	p := &boltProxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}, sniff: sniff}
	p.wg.Add(1)
	go p.accept(ln)
	t.Cleanup(func() {
		p.Down()
		p.ln.Close()
		p.wg.Wait()
	})
	return p
}

// URI is the bolt:// URI of the proxy.
func (p *boltProxy) URI() string { return "bolt://" + p.addr }

// Down drops new connections and cuts the open ones.
func (p *boltProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

// Up forwards new connections again, on the same address.
func (p *boltProxy) Up(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// Messages returns the messages sniffed so far and forgets them.
func (p *boltProxy) Messages() []boltMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

var connSeq struct {
	sync.Mutex
	n int
}

func (p *boltProxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			client.Close()
			continue
		}
		server, err := net.DialTimeout("tcp", p.target, 3*time.Second)
		if err != nil {
			p.mu.Unlock()
			client.Close()
			continue
		}
		p.conns[client], p.conns[server] = struct{}{}, struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		connSeq.Lock()
		connSeq.n++
		id := connSeq.n
		connSeq.Unlock()
		var toServer, toClient io.Writer = server, client
		if p.sniff {
			// The server's reply is seen before it is forwarded, so the
			// client's sniffer knows it when the client answers it.
			reply := &serverReply{}
			toServer = io.MultiWriter(server, &sniffer{conn: id, record: p.record, reply: reply})
			toClient = io.MultiWriter(reply, client)
		}
		go p.pipe(toServer, client, client, server)
		go p.pipe(toClient, server, client, server)
	}
}

func (p *boltProxy) pipe(dst io.Writer, src io.Reader, a, b net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	a.Close()
	b.Close()
	p.mu.Lock()
	delete(p.conns, a)
	delete(p.conns, b)
	p.mu.Unlock()
}

func (p *boltProxy) record(m boltMessage) {
	p.mu.Lock()
	p.msgs = append(p.msgs, m)
	hook := p.onCommit
	p.mu.Unlock()
	// The COMMIT has been forwarded to Neo4j already (the sniffer comes
	// second in the writer); cutting now, before its answer is forwarded,
	// leaves the client not knowing whether its transaction committed.
	if m.Type == "COMMIT" && hook != nil && hook() {
		p.Down()
	}
}

// CutAtCommit makes the proxy go down right after forwarding a COMMIT for
// which cut returns true. The proxy must sniff.
func (p *boltProxy) CutAtCommit(cut func() bool) {
	p.mu.Lock()
	p.onCommit = cut
	p.mu.Unlock()
}

// ---------------------------------------------------------------- Bolt decoding

// sniffer decodes the client side of a Bolt connection: the 20-byte
// handshake, then chunked messages (2-byte length, data; a zero length ends
// a message), each a PackStream structure. Errors stop the sniffing of that
// connection (they never affect the traffic) and are recorded as a message
// of type "DECODE-ERROR" so that tests notice.
type sniffer struct {
	conn      int
	record    func(boltMessage)
	reply     *serverReply
	buf       []byte
	handshake bool // the client's 20 bytes were seen
	version   bool // the version is settled (with a manifest handshake, the client's choice was seen)
	msg       []byte
	n         int
	broken    bool
}

// serverReply keeps the first 4 bytes the server sends: the chosen Bolt
// version, or 00 00 01 FF when the server answers with a manifest (Bolt
// 5.7+ handshake), after which the client sends its choice: 4 bytes of
// version and a varint of capabilities.
type serverReply struct {
	mu    sync.Mutex
	first []byte
}

func (r *serverReply) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := 4 - len(r.first); n > 0 {
		r.first = append(r.first, b[:min(n, len(b))]...)
	}
	return len(b), nil
}

func (r *serverReply) manifest() (known, manifest bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.first) < 4 {
		return false, false
	}
	return true, binary.BigEndian.Uint32(r.first) == 0x000001FF
}

var boltSignatures = map[byte]string{
	0x01: "HELLO", 0x02: "GOODBYE", 0x0F: "RESET", 0x10: "RUN", 0x11: "BEGIN", 0x12: "COMMIT",
	0x13: "ROLLBACK", 0x2F: "DISCARD", 0x3F: "PULL", 0x54: "TELEMETRY", 0x66: "ROUTE",
	0x6A: "LOGON", 0x6B: "LOGOFF",
}

func (s *sniffer) Write(b []byte) (int, error) {
	if s.broken {
		return len(b), nil
	}
	s.buf = append(s.buf, b...)
	if !s.handshake {
		if len(s.buf) < 20 {
			return len(b), nil
		}
		if binary.BigEndian.Uint32(s.buf) != 0x6060B017 {
			s.fail(errors.New("no Bolt handshake"))
			return len(b), nil
		}
		s.buf = s.buf[20:]
		s.handshake = true
	}
	if !s.version {
		known, manifest := s.reply.manifest()
		if !known {
			if len(s.buf) > 0 {
				s.fail(errors.New("the client spoke before the server chose a version"))
			}
			return len(b), nil
		}
		if manifest { // the client's choice: 4 bytes of version, then a varint
			end := -1
			for i := 4; i < len(s.buf); i++ {
				if s.buf[i]&0x80 == 0 {
					end = i + 1
					break
				}
			}
			if end < 0 {
				return len(b), nil
			}
			s.buf = s.buf[end:]
		}
		s.version = true
	}
	for len(s.buf) >= 2 {
		size := int(binary.BigEndian.Uint16(s.buf))
		if len(s.buf) < 2+size {
			break
		}
		if size == 0 {
			if len(s.msg) > 0 { // an empty chunk pair alone is a NOOP
				s.decode(s.msg)
			}
			s.msg = s.msg[:0]
		} else {
			s.msg = append(s.msg, s.buf[2:2+size]...)
		}
		s.buf = s.buf[2+size:]
	}
	return len(b), nil
}

func (s *sniffer) fail(err error) {
	s.broken = true
	s.record(boltMessage{Type: "DECODE-ERROR", Query: err.Error(), Conn: s.conn})
}

func (s *sniffer) decode(b []byte) {
	if len(b) < 2 || b[0]&0xF0 != 0xB0 {
		s.fail(fmt.Errorf("message does not start with a structure: % x", b[:min(len(b), 8)]))
		return
	}
	sig := b[1]
	name, ok := boltSignatures[sig]
	if !ok {
		name = fmt.Sprintf("0x%02X", sig)
	}
	s.n++
	m := boltMessage{Type: name, Conn: s.conn, Offset: s.n}
	if sig == 0x10 || sig == 0x11 { // never decode HELLO or LOGON: they carry credentials
		d := &packDecoder{b: b[2:]}
		fields := int(b[0] & 0x0F)
		var vals []any
		for i := 0; i < fields; i++ {
			v, err := d.value()
			if err != nil {
				s.fail(fmt.Errorf("%s: %w", name, err))
				return
			}
			vals = append(vals, v)
		}
		switch {
		case sig == 0x11 && len(vals) >= 1:
			m.Extra, _ = vals[0].(map[string]any)
		case sig == 0x10 && len(vals) >= 3:
			m.Query, _ = vals[0].(string)
			m.Extra, _ = vals[2].(map[string]any)
		}
	}
	s.record(m)
}

// packDecoder reads PackStream values.
type packDecoder struct {
	b []byte
	i int
}

var errShort = errors.New("truncated PackStream value")

func (d *packDecoder) take(n int) ([]byte, error) {
	if n < 0 || d.i+n > len(d.b) {
		return nil, errShort
	}
	v := d.b[d.i : d.i+n]
	d.i += n
	return v, nil
}

func (d *packDecoder) size(n int) (int, error) {
	b, err := d.take(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return int(b[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(b)), nil
	}
	return int(binary.BigEndian.Uint32(b)), nil
}

func (d *packDecoder) value() (any, error) {
	mb, err := d.take(1)
	if err != nil {
		return nil, err
	}
	m := mb[0]
	switch {
	case m <= 0x7F:
		return int64(m), nil
	case m >= 0xF0:
		return int64(int8(m)), nil
	case m >= 0x80 && m <= 0x8F:
		return d.str(int(m & 0x0F))
	case m >= 0x90 && m <= 0x9F:
		return d.list(int(m & 0x0F))
	case m >= 0xA0 && m <= 0xAF:
		return d.dict(int(m & 0x0F))
	case m >= 0xB0 && m <= 0xBF:
		if _, err := d.take(1); err != nil { // signature
			return nil, err
		}
		return d.list(int(m & 0x0F))
	}
	switch m {
	case 0xC0:
		return nil, nil
	case 0xC1:
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case 0xC2:
		return false, nil
	case 0xC3:
		return true, nil
	case 0xC8, 0xC9, 0xCA, 0xCB:
		n := 1 << (m - 0xC8)
		b, err := d.take(n)
		if err != nil {
			return nil, err
		}
		switch n {
		case 1:
			return int64(int8(b[0])), nil
		case 2:
			return int64(int16(binary.BigEndian.Uint16(b))), nil
		case 4:
			return int64(int32(binary.BigEndian.Uint32(b))), nil
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case 0xCC, 0xCD, 0xCE:
		n, err := d.size(1 << (m - 0xCC))
		if err != nil {
			return nil, err
		}
		b, err := d.take(n)
		return append([]byte(nil), b...), err
	case 0xD0, 0xD1, 0xD2:
		n, err := d.size(1 << (m - 0xD0))
		if err != nil {
			return nil, err
		}
		return d.str(n)
	case 0xD4, 0xD5, 0xD6:
		n, err := d.size(1 << (m - 0xD4))
		if err != nil {
			return nil, err
		}
		return d.list(n)
	case 0xD8, 0xD9, 0xDA:
		n, err := d.size(1 << (m - 0xD8))
		if err != nil {
			return nil, err
		}
		return d.dict(n)
	}
	return nil, fmt.Errorf("unknown PackStream marker 0x%02X", m)
}

func (d *packDecoder) str(n int) (any, error) {
	b, err := d.take(n)
	return string(b), err
}

func (d *packDecoder) list(n int) (any, error) {
	out := make([]any, 0, min(n, 1024))
	for i := 0; i < n; i++ {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *packDecoder) dict(n int) (any, error) {
	out := make(map[string]any, min(n, 1024))
	for i := 0; i < n; i++ {
		k, err := d.value()
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("map key %v is not a string", k)
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out[ks] = v
	}
	return out, nil
}
