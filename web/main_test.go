package web

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The audit package logs through the default logger; keep test output readable.
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	code := m.Run()
	writeAxeTally()
	os.Exit(code)
}
