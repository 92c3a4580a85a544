package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"baocao/internal/database"
	"baocao/internal/outliers"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/seed"
)

// outliersCommand measures the outlier checks (issue 18): into copies of
// every accepted report's figures (never into the database) it injects
// known errors — ×10, ×1000, ÷1000, two digits swapped, a sign flipped,
// a value moved to the next row — judges each figure against the unit's
// history before it, and prints the share of errors found and of clean
// figures flagged per column type, then the same on generated series.
func outliersCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("outliers", flag.ContinueOnError)
	name := fs.String("regime", seed.HealthRegime, "the regime whose accepted reports are measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withDB(ctx, getenv, func(db *database.DB) error {
		list, err := regimes.NewStore(db).Regimes(ctx, regimes.Filter{IncludeRetired: true})
		if err != nil {
			return err
		}
		var id int64
		for _, r := range list {
			if r.Name == *name {
				id = r.ID
			}
		}
		if id == 0 {
			return fmt.Errorf("no regime %q (seed the demo with: baocao seed -demo)", *name)
		}
		series, err := reports.NewStore(db).PastSeries(ctx, id)
		if err != nil {
			return err
		}
		periods := 0
		for _, s := range series {
			periods = max(periods, len(s.Values))
		}
		fmt.Fprintf(stdout, "## Báo cáo đã tiếp nhận: %s (%d chuỗi ô, tối đa %d kỳ)\n\n", *name, len(series), periods)
		results := outliers.Measure(series, 18)
		outliers.WriteTable(stdout, append(results, outliers.Total(results, "tất cả")))
		fmt.Fprintf(stdout, "\n### Chỉ các kỳ đã có cùng kỳ năm trước (từ kỳ thứ 13)\n\n")
		results = outliers.MeasureFrom(series, 18, 12)
		outliers.WriteTable(stdout, append(results, outliers.Total(results, "tất cả")))
		fmt.Fprintf(stdout, "\n## Chuỗi sinh thêm (60 đơn vị × 24 kỳ mỗi nhóm)\n\n")
		generated := outliers.Measure(outliers.Generated(1, 60, 24), 7)
		outliers.WriteTable(stdout, append(generated, outliers.Total(generated, "tất cả")))
		fmt.Fprintf(stdout, "\n### Chỉ các kỳ đã có cùng kỳ năm trước (từ kỳ thứ 13)\n\n")
		generated = outliers.MeasureFrom(outliers.Generated(1, 60, 24), 7, 12)
		outliers.WriteTable(stdout, append(generated, outliers.Total(generated, "tất cả")))
		fmt.Fprintf(stdout, "\nMỗi số được xét so với các kỳ trước của chính đơn vị (từ kỳ thứ %d); \"đổi 2 chữ số kề\" chọn ngẫu nhiên một cặp chữ số kề nhau khác nhau.\n", 7)
		return nil
	})
}
