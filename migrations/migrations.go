// Package migrations embeds the goose SQL migrations of the baocao schema.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
