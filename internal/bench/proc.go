package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ):
// 100 on every Linux architecture Go runs on, whatever the kernel's HZ.
const clockTicks = 100

// parseProcStat reads the CPU seconds a process has used, user plus system
// (fields 14 and 15 of proc(5)), from one line of /proc/<pid>/stat. The
// command name (field 2) is in parentheses and may hold spaces or
// parentheses itself, so the fields are counted from its last ")".
func parseProcStat(line string) (float64, error) {
	end := strings.LastIndexByte(line, ')')
	if end < 0 {
		return 0, fmt.Errorf("proc stat %.40q: no command name in parentheses", line)
	}
	fields := strings.Fields(line[end+1:])
	// fields[0] is field 3 (state); field n is fields[n-3].
	if len(fields) < 13 {
		return 0, fmt.Errorf("proc stat %.40q: %d fields after the command name, want at least 13", line, len(fields))
	}
	var ticks uint64
	for _, f := range fields[14-3 : 15-3+1] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("proc stat %.40q: CPU time %q: %w", line, f, err)
		}
		ticks += n
	}
	return float64(ticks) / clockTicks, nil
}

// ProcessCPU returns the CPU seconds (user + system) process pid has used
// so far; its threads' time is included, its reaped children's is not.
func ProcessCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu time of pid %d: %w", pid, err)
	}
	return parseProcStat(string(data))
}

// cpuMeter reads the CPU time of a few processes before and after a timed
// run. A process whose pid is 0 or whose time cannot be read is reported
// as unknown (-1), never as zero.
type cpuMeter struct {
	pids  map[string]int
	start map[string]float64
}

func newCPUMeter(pids map[string]int) *cpuMeter {
	m := &cpuMeter{pids: pids, start: map[string]float64{}}
	for name, pid := range pids {
		if pid <= 0 {
			continue
		}
		if s, err := ProcessCPU(pid); err == nil {
			m.start[name] = s
		}
	}
	return m
}

// seconds returns, per process, the CPU seconds used since the meter
// started; -1 where it is unknown.
func (m *cpuMeter) seconds() map[string]float64 {
	out := map[string]float64{}
	for name, pid := range m.pids {
		out[name] = -1
		s0, ok := m.start[name]
		if !ok {
			continue
		}
		if s1, err := ProcessCPU(pid); err == nil {
			out[name] = s1 - s0
		}
	}
	return out
}

// cpuPerRequestMs is CPU seconds spread over requests, in milliseconds
// rounded to three decimals; -1 when there were no requests.
func cpuPerRequestMs(seconds float64, requests int) float64 {
	if requests <= 0 || seconds < 0 {
		return -1
	}
	return float64(int64(seconds*1000/float64(requests)*1000+0.5)) / 1000
}
