package bench

import (
	"bufio"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is the peak memory of this process during one phase.
type Memory struct {
	// PeakHeapMB is the largest Go heap seen (live and not yet swept
	// objects), sampled every 50 ms.
	PeakHeapMB float64 `json:"peak_heap_mb"`
	// PeakRSSMB is the largest resident set size: the kernel's high-water
	// mark (VmHWM), reset at the start of the phase when the kernel allows,
	// else the largest sampled VmRSS.
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// StartHeapMB is the heap when the phase began, after a collection.
	StartHeapMB float64 `json:"start_heap_mb"`
}

// memWatch samples memory until stopped.
type memWatch struct {
	stop      chan struct{}
	done      sync.WaitGroup
	peakHeap  uint64
	peakRSS   uint64
	startHeap uint64
	hwmReset  bool
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// watchMemory collects garbage, returns freed memory to the kernel, resets
// the RSS high-water mark and starts sampling.
func watchMemory() *memWatch {
	runtime.GC()
	debug.FreeOSMemory()
	m := &memWatch{stop: make(chan struct{}), startHeap: heapBytes()}
	// Writing 5 to clear_refs resets VmHWM (Linux 4.0+).
	m.hwmReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memWatch) sample() {
	m.peakHeap = max(m.peakHeap, heapBytes())
	if rss, _ := procStatus("VmRSS"); rss > m.peakRSS {
		m.peakRSS = rss
	}
}

// finish stops sampling and returns the peaks.
func (m *memWatch) finish() Memory {
	close(m.stop)
	m.done.Wait()
	m.sample()
	rss := m.peakRSS
	if hwm, ok := procStatus("VmHWM"); ok && m.hwmReset {
		rss = max(rss, hwm)
	}
	return Memory{PeakHeapMB: mb(m.peakHeap), PeakRSSMB: mb(rss), StartHeapMB: mb(m.startHeap)}
}

func mb(b uint64) float64 { return float64(b*10/(1<<20)) / 10 }

// procStatus reads one "kB" field of /proc/self/status, in bytes.
func procStatus(field string) (uint64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return n * 1024, err == nil
	}
	return 0, false
}

// cpuPressure reads one field of the "some" line of /proc/pressure/cpu
// (total=, avg10= …): how long at least one runnable task waited for a CPU.
func cpuPressure(field string) (string, bool) {
	data, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "some ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, field+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

// cpuStall is the CPU pressure's running total, in microseconds.
func cpuStall() (uint64, bool) {
	v, ok := cpuPressure("total")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// pressureWatch measures the share of a phase's wall time during which some
// task on the machine waited for a CPU: a high figure means the machine was
// busy with more than this benchmark and Neo4j (other programs, other
// instances), and the phase's figures are pessimistic.
type pressureWatch struct {
	start time.Time
	stall uint64
	ok    bool
}

func watchPressure() pressureWatch {
	s, ok := cpuStall()
	return pressureWatch{start: time.Now(), stall: s, ok: ok}
}

// percent returns the CPU pressure over the phase so far, or -1 when unknown.
func (p pressureWatch) percent() float64 {
	s, ok := cpuStall()
	wall := time.Since(p.start)
	if !ok || !p.ok || wall <= 0 {
		return -1
	}
	return math.Round(float64(s-p.stall)/float64(wall.Microseconds())*1000) / 10
}

// loadAverage is the 1, 5 and 15 minute load average.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuPressureAvg10 is the kernel's 10-second average CPU pressure ("some avg10"), in percent.
func cpuPressureAvg10() (float64, bool) {
	v, ok := cpuPressure("avg10")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64)
	return n, err == nil
}
