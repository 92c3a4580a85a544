// Package app is the composition root: it builds every store and service
// of baocao once from the configuration, for the HTTP server, the
// background jobs, the command line and the tests. Nothing else calls the
// stores' constructors.
package app

import (
	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/archives"
	"baocao/internal/assignments"
	"baocao/internal/config"
	"baocao/internal/database"
	"baocao/internal/documents"
	"baocao/internal/govexport"
	"baocao/internal/holidays"
	"baocao/internal/indicators"
	"baocao/internal/notify"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
	"baocao/internal/units"
)

// App holds every store and service.
type App struct {
	Config        *config.Config
	DB            *database.DB
	Reads         *database.Reads // reads that may be a moment old: the replica while it keeps up, else DB
	Box           *secretbox.Box  // seals TOTP and signing keys with SECRET_KEY
	Units         *units.Store
	Accounts      *accounts.Store
	Regimes       *regimes.Store
	Assignments   *assignments.Store
	Reports       *reports.Store
	Indicators    *indicators.Store
	Holidays      *holidays.Store
	Notifications *notify.Store
	Documents     *documents.Store
	APIClients    *apiclients.Store
	Gov           *govexport.Store // delivers only when GOV_EXPORT_URL is set
	Archives      *archives.Store
	Policy        *policy.Policy
}

// New builds the stores on db with the settings of cfg.
func New(cfg *config.Config, db *database.DB) *App {
	a := &App{Config: cfg, DB: db, Box: secretbox.New(cfg.SecretKey), Reads: database.NewReads(db, nil, nil)}
	a.Units = units.NewStore(db)
	a.Accounts = accounts.NewStore(db, a.Box)
	a.Accounts.LockoutAfter = cfg.LockoutAfter
	a.Accounts.LockoutFor = cfg.LockoutFor
	a.Accounts.InactiveAfter = cfg.InactiveAfter
	a.Accounts.DBTimeout = cfg.RequestTimeout
	a.Regimes = regimes.NewStore(db)
	a.Assignments = assignments.NewStore(db)
	a.Reports = reports.NewStore(db)
	a.Indicators = indicators.NewStore(db)
	a.Holidays = holidays.NewStore(db)
	a.Notifications = notify.NewStore(db)
	a.Documents = documents.NewStore(db, a.Reports, a.Units, a.Accounts, a.Box)
	a.Documents.TSAURL = cfg.TSAURL
	a.APIClients = apiclients.NewStore(db, a.Units)
	var exporter govexport.Exporter
	if cfg.GovExportURL != "" {
		exporter = &govexport.HTTPExporter{URL: cfg.GovExportURL, Token: cfg.GovExportToken}
	}
	a.Gov = govexport.NewStore(db, a.Reports, a.Units, a.Documents, exporter)
	a.Archives = archives.NewStore(db, a.Reports, a.Documents)
	a.Archives.Reads = a.Reads
	a.Policy = &policy.Policy{Tree: a.Units}
	return a
}

// UseReplica sends the reads that may be a moment old to replica while it
// keeps up (see database.Reads; its Watch must run for it to be used).
// Call it before serving.
func (a *App) UseReplica(replica *database.DB) { a.Reads.Replica = replica }
