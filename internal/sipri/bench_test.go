package sipri

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// BenchmarkConvert30k reads, converts and validates a synthetic register of
// 30,000 deals (docs/benchmarks.md), reporting each stage's time.
func BenchmarkConvert30k(b *testing.B) {
	var reg bytes.Buffer
	if err := Synthesize(&reg, 30000, 1); err != nil {
		b.Fatal(err)
	}
	base := NewBase(nil, nil)
	for b.Loop() {
		t0 := time.Now()
		r, err := Read(bytes.NewReader(reg.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		res, err := Convert(r, Options{Release: "2024", Base: base})
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if err := res.Validate(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		b.ReportMetric(t1.Sub(t0).Seconds(), "read-s")
		b.ReportMetric(t2.Sub(t1).Seconds(), "convert-s")
		b.ReportMetric(t3.Sub(t2).Seconds(), "validate-s")
	}
}
