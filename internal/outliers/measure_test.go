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
	// Leading digits swapped must be found in most steady counts and
	// percentages (the other groups and a random pair of neighbouring
	// digits are shown in the table: a swap of the last digits of a large
	// figure changes it less than its usual variation).
	swaps := map[string]float64{"số đếm ổn định": 65, "tỷ lệ %": 70}
	for _, r := range results {
		if rate := outliers.Rate(r.Flagged, r.Clean); rate > 2 {
			t.Errorf("%s: %.1f %% of clean figures flagged, want ≤ 2 %%", r.Group, rate)
		}
		if want, ok := swaps[r.Group]; ok {
			if rate := outliers.Rate(r.Detected["đổi 2 chữ số đầu"], r.Injected["đổi 2 chữ số đầu"]); rate < want {
				t.Errorf("%s: leading digits swapped found in %.1f %%, want ≥ %.0f %%", r.Group, rate, want)
			}
		}
		for _, inj := range []string{"×10", "×1000", "÷1000", "đổi dấu"} {
			want := 95.0
			if rate := outliers.Rate(r.Detected[inj], r.Injected[inj]); rate < want {
				t.Errorf("%s: %s found in %.1f %%, want ≥ %.0f %%", r.Group, inj, rate, want)
			}
		}
	}
}
