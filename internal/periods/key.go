package periods

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Key is a stable text key for storing p:
//
//	ND 09 windows:    2026-M03  2026-Q1  2026-H1  2026-N9  2026-Y
//	calendar periods: 2026-CM03 2026-CQ1 2026-CH1 2026-CN9 2026-CY
//	ad-hoc:           adhoc-20260105-20260131
//
// An ad-hoc key holds the dates but not the label, which is stored apart.
// Keys of one frequency and kind sort in time order.
func (p Period) Key() string {
	if p.Frequency == AdHocFreq {
		return "adhoc-" + p.Start.Format("20060102") + "-" + p.End.Format("20060102")
	}
	c := ""
	if p.Calendar {
		c = "C"
	}
	switch p.Frequency {
	case Monthly:
		return fmt.Sprintf("%04d-%sM%02d", p.Year, c, p.Number)
	case Quarterly:
		return fmt.Sprintf("%04d-%sQ%d", p.Year, c, p.Number)
	case HalfYear:
		return fmt.Sprintf("%04d-%sH%d", p.Year, c, p.Number)
	case NineMonths:
		return fmt.Sprintf("%04d-%sN9", p.Year, c)
	case Annual:
		return fmt.Sprintf("%04d-%sY", p.Year, c)
	}
	return ""
}

// ParseKey reads a key written by Key. The period of an ad-hoc key has no
// label: set AdHocLabel from where it is stored.
func ParseKey(key string) (Period, error) {
	p, err := parseKey(key)
	if err != nil || p.Key() != key { // only the canonical spelling is a key
		return Period{}, fmt.Errorf("periods: invalid key %q", key)
	}
	return p, nil
}

func parseKey(key string) (Period, error) {
	if rest, ok := strings.CutPrefix(key, "adhoc-"); ok {
		from, to, ok := strings.Cut(rest, "-")
		if !ok {
			return Period{}, fmt.Errorf("missing end date")
		}
		start, err := time.Parse("20060102", from)
		if err != nil {
			return Period{}, err
		}
		end, err := time.Parse("20060102", to)
		if err != nil {
			return Period{}, err
		}
		if end.Before(start) {
			return Period{}, fmt.Errorf("end before start")
		}
		return Period{Frequency: AdHocFreq, Year: end.Year(), Start: Date(start.Date()), End: Date(end.Date())}, nil
	}
	yearText, rest, ok := strings.Cut(key, "-")
	if !ok {
		return Period{}, fmt.Errorf("missing '-'")
	}
	year, err := strconv.Atoi(yearText)
	if err != nil {
		return Period{}, err
	}
	calendar := false
	if r, ok := strings.CutPrefix(rest, "C"); ok {
		calendar, rest = true, r
	}
	if rest == "" {
		return Period{}, fmt.Errorf("missing frequency")
	}
	var f Frequency
	switch rest[0] {
	case 'M':
		f = Monthly
	case 'Q':
		f = Quarterly
	case 'H':
		f = HalfYear
	case 'N':
		if rest != "N9" {
			return Period{}, fmt.Errorf("unknown nine-month key")
		}
		return New(NineMonths, calendar, year, 0)
	case 'Y':
		return New(Annual, calendar, year, 0)
	default:
		return Period{}, fmt.Errorf("unknown frequency")
	}
	number, err := strconv.Atoi(rest[1:])
	if err != nil {
		return Period{}, err
	}
	return New(f, calendar, year, number)
}
