package kg

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PartialDate is a date known to year, month or day precision: "2016",
// "2016-11" or "2016-11-14". The zero value means unknown.
type PartialDate struct {
	Year, Month, Day int // Month and Day are 0 when not known
}

// ParsePartialDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" and checks the calendar.
func ParsePartialDate(s string) (PartialDate, error) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || s == "" {
		return PartialDate{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	widths := []int{4, 2, 2}
	nums := make([]int, 3)
	for i, p := range parts {
		if len(p) != widths[i] {
			return PartialDate{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		n, err := strconv.Atoi(p)
		if err != nil || strings.IndexFunc(p, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return PartialDate{}, fmt.Errorf("date %q: %q is not a number", s, p)
		}
		nums[i] = n
	}
	d := PartialDate{Year: nums[0], Month: nums[1], Day: nums[2]}
	if d.Year < 1 {
		return PartialDate{}, fmt.Errorf("date %q: year must be 0001 or later", s)
	}
	if len(parts) >= 2 && (d.Month < 1 || d.Month > 12) {
		return PartialDate{}, fmt.Errorf("date %q: month %d is not 01-12", s, d.Month)
	}
	if len(parts) == 3 {
		last := daysIn(d.Year, d.Month)
		if d.Day < 1 || d.Day > last {
			return PartialDate{}, fmt.Errorf("date %q: day %d is not 01-%02d", s, d.Day, last)
		}
	}
	return d, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether the date is unknown.
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// String formats the date at its own precision ("" when unknown).
func (d PartialDate) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// First is the earliest day the date covers, as "YYYY-MM-DD" ("" when unknown).
// ISO day strings compare in calendar order, so the store keeps them as strings.
func (d PartialDate) First() string {
	if d.IsZero() {
		return ""
	}
	m, day := max(d.Month, 1), max(d.Day, 1)
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, m, day)
}

// Last is the latest day the date covers, as "YYYY-MM-DD" ("" when unknown).
func (d PartialDate) Last() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d-12-31", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, daysIn(d.Year, d.Month))
	}
	return d.First()
}
