package outliers_test

import (
	"os"
	"testing"

	"baocao/internal/outliers"
)

// TestDetectionRates measures the rules on generated series: known
// errors injected into clean figures must be found, clean figures must
// rarely be flagged, per column type. `baocao outliers` prints the same
// table for the accepted reports of a database too.
func TestDetectionRates(t *testing.T) {
	results := outliers.Measure(outliers.Generated(1, 60, 24), 7)
	if testing.Verbose() {
		outliers.WriteTable(os.Stdout, results)
	}
	// What each group must reach for ×10: seasonal counts without a year
	// of history and counts of rare events cannot tell every ×10 from a
	// real peak (the table shows how far they get).
	tenfold := map[string]float64{"số đếm theo mùa": 60, "số đếm hiếm (nhiều số 0)": 80, "số tiền (lệch phải)": 90}
	for _, r := range results {
		if rate := outliers.Rate(r.Flagged, r.Clean); rate > 2 {
			t.Errorf("%s: %.1f %% of clean figures flagged, want ≤ 2 %%", r.Group, rate)
		}
		for _, inj := range []string{"×10", "×1000", "÷1000", "đổi dấu"} {
			want := 95.0
			if w, ok := tenfold[r.Group]; ok && inj == "×10" {
				want = w
			}
			if rate := outliers.Rate(r.Detected[inj], r.Injected[inj]); rate < want {
				t.Errorf("%s: %s found in %.1f %%, want ≥ %.0f %%", r.Group, inj, rate, want)
			}
		}
	}
}
