// Command baocao runs the Reporting Information System of Khánh Hòa
// province: the web server and its maintenance subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/app"
	"baocao/internal/backup"
	"baocao/internal/config"
	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/database/localpg"
	"baocao/internal/documents"
	"baocao/internal/jobs"
	"baocao/internal/loadtest"
	"baocao/internal/notify"
	"baocao/internal/seed"
	"baocao/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "baocao:", err)
		os.Exit(1)
	}
}

const usage = `usage: baocao <command>

commands:
  serve          run the web server (DATABASE_URL required unless DEV=1)
  dev            start a project-local PostgreSQL, seed a demo province and serve
  migrate        apply the database migrations
  seed [-demo]   load the reference units (and the demo accounts)
  create-admin   create a system admin: -username NAME -name "Full name" [-unit KEY]
  backup -out FILE     encrypted pg_dump to FILE (+ FILE.sha256); needs BACKUP_KEY
  restore -in FILE     check, decrypt and restore FILE into DATABASE_URL (an empty database)
  backup-key           print a new BACKUP_KEY (keep it safe, apart from the backups)
  loadtest -url URL [-officials N] [-receivers N] [-duration D] [-pid PID]
                       a deadline surge against a running server on loopback (DATABASE_URL for set-up and checks)
  pg start|stop|url   manage the project-local PostgreSQL cluster in var/pg
  check-consolidation  compare the maintained consolidation with a full recomputation (non-zero exit on a difference)
  outliers [-regime NAME]  measure the outlier checks: known errors injected into copies of the accepted
                       reports in DATABASE_URL (and into generated series), detection and false-flag rates
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))
	slog.SetDefault(log) // the audit trail is mirrored to this JSON log for the SIEM
	switch args[0] {
	case "serve":
		return serve(ctx, getenv, stdout, log, false)
	case "dev":
		return dev(ctx, getenv, stdout)
	case "migrate":
		return withDB(ctx, getenv, func(db *database.DB) error { return database.Migrate(ctx, db) })
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		demo := fs.Bool("demo", false, "also create the demo accounts")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		cfg, cfgErr := config.FromEnv(getenv)
		return withDB(ctx, getenv, func(db *database.DB) error {
			// Without a configuration the demo has no signing certificates:
			// their keys are sealed with SECRET_KEY.
			var docs *documents.Store
			if cfgErr == nil {
				docs = app.New(cfg, db).Documents
			}
			list, err := seedAll(ctx, db, *demo, docs)
			if err == nil && *demo {
				printDemoAccounts(stdout, list, docs != nil)
			}
			return err
		})
	case "create-admin":
		return createAdmin(ctx, args[1:], getenv, stdout)
	case "pg":
		return pg(ctx, args[1:], stdout)
	case "backup", "restore":
		return backupCommand(ctx, args, getenv, stdout)
	case "loadtest":
		return loadtestCommand(ctx, args[1:], getenv, stdout)
	case "check-consolidation":
		return withDB(ctx, getenv, func(db *database.DB) error { return checkConsolidation(ctx, db, stdout) })
	case "outliers": // the outlier checks' measurement (issue 18)
		return outliersCommand(ctx, args[1:], getenv, stdout)
	case "backup-key":
		key, err := backup.NewKey()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "BACKUP_KEY=%s\n# recipient (for reference): %s\n", key, key.Recipient())
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func localCluster(out io.Writer) *localpg.Cluster {
	return &localpg.Cluster{Dir: filepath.Join("var", "pg"), Log: out}
}

func pg(ctx context.Context, args []string, stdout io.Writer) error {
	c := localCluster(os.Stderr)
	if len(args) != 1 {
		return errors.New("usage: baocao pg start|stop|url")
	}
	switch args[0] {
	case "start":
		url, err := c.Start(ctx)
		if err == nil {
			fmt.Fprintln(stdout, url)
		}
		return err
	case "stop":
		return c.Stop(ctx)
	case "url":
		url, err := c.URL("baocao")
		if err == nil {
			fmt.Fprintln(stdout, url)
		}
		return err
	}
	return fmt.Errorf("unknown pg command %q", args[0])
}

// dev starts (or reuses) the local cluster, seeds the demo province and
// serves it; Ctrl-C stops the server and the cluster.
func dev(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	env := map[string]string{"DEV": "1"}
	if getenv("DATABASE_URL") == "" {
		cluster := localCluster(stdout)
		url, err := cluster.Start(ctx)
		if err != nil {
			return err
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(stopCtx); err != nil {
				fmt.Fprintln(stdout, "stop PostgreSQL:", err)
			}
		}()
		env["DATABASE_URL"] = url
	}
	devenv := func(k string) string {
		if v, ok := env[k]; ok && getenv(k) == "" {
			return v
		}
		return getenv(k)
	}
	// On a developer's terminal the few hundred audit and e-mail lines of
	// seeding and start-up would bury the demo accounts: warnings only.
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelWarn}))
	slog.SetDefault(log)
	return serve(ctx, devenv, stdout, log, true)
}

func serve(ctx context.Context, getenv func(string) string, stdout io.Writer, log *slog.Logger, demo bool) error {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set (use `make run` for a local development database)")
	}
	if getenv("GOMEMLIMIT") == "" {
		// Collect garbage harder as the heap nears this, so the server stays
		// under its memory budget (SPEC §8: 200 MB resident) during a surge:
		// 168 MiB for the Go runtime and the hashers' memory together (the
		// program's code and data take the rest; with 175 MiB, a surge
		// whose lifecycles sign PDFs while a thousand officials type
		// peaked at 201 MB).
		debug.SetMemoryLimit(max(64<<20, 168<<20-accounts.HasherMemory()))
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(cfg, db)
	if cfg.DatabaseReplicaURL != "" {
		replica, err := database.Open(ctx, cfg.DatabaseReplicaURL)
		if err != nil {
			return fmt.Errorf("DATABASE_REPLICA_URL: %w", err)
		}
		defer replica.Close()
		a.UseReplica(replica)
		go a.Reads.Watch(ctx, time.Second)
	}
	demoAccounts, err := seedAll(ctx, db, demo, a.Documents) // migrates first
	if err != nil {
		return err
	}

	if demo && cfg.TSAURL == "" && a.Box != nil {
		// Local runs time-stamp their signatures too (PAdES B-T), with a
		// demo TSA on a loopback port.
		tsa, err := a.Documents.DemoTSA(ctx, demoCertDir)
		if err != nil {
			return fmt.Errorf("demo time-stamping authority: %w", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		tsaSrv := &http.Server{Handler: tsa, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = tsaSrv.Serve(ln) }()
		defer tsaSrv.Close()
		a.Documents.TSAURL = "http://" + ln.Addr().String()
	}

	if file := getenv("CPU_PROFILE"); file != "" {
		// Diagnostics: a CPU profile of the whole run, for go tool pprof.
		f, err := os.Create(file)
		if err != nil {
			return fmt.Errorf("CPU_PROFILE: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("CPU_PROFILE: %w", err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if file := getenv("HEAP_PROFILE"); file != "" {
		go watchHeap(ctx, log, file)
		// What the whole run allocated (alloc_space), for its sources.
		defer writeHeapProfile(strings.TrimSuffix(file, ".prof") + "-end.prof")
	}
	handler := web.New(a, log)
	accounts.WhileWaiting(handler.OfficialsWait)
	accounts.WhileAtWork(handler.OfficialsAtWork)
	srv := &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	if cfg.SMTP.Host == "" {
		log.Warn("SMTP_HOST is not set: notifications are shown in the application only, e-mails are logged and skipped")
	}
	notifications := notify.New(db, &notify.Mailer{SMTP: cfg.SMTP, BaseURL: cfg.BaseURL}, log)
	runner, err := jobs.New(db, log, jobs.WorkOf(a, notifications), jobs.Schedule(a))
	if err != nil {
		return err
	}
	// Not cancelled by Ctrl-C: Stop below lets the jobs being worked finish.
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start background jobs: %w", err)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	if demo {
		// The account table comes last, after the start-up logs.
		fmt.Fprintln(stdout)
		printDemoAccounts(stdout, demoAccounts, true)
	}
	fmt.Fprintf(stdout, "\nbaocao is running at %s (listening on %s). Press Ctrl-C to stop.\n", cfg.BaseURL, cfg.ListenAddr)
	if demo {
		fmt.Fprintln(stdout, "The log shows warnings and errors only (use `baocao serve` with DEV=1 for every line).")
	}
	fmt.Fprintln(stdout)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fmt.Fprintln(stdout, "baocao: shutting down")
	return errors.Join(serveErr, srv.Shutdown(shutdownCtx), runner.Stop(shutdownCtx))
}

func withDB(ctx context.Context, getenv func(string) string, fn func(*database.DB) error) error {
	url := getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is not set")
	}
	db, err := database.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// demoCertDir holds the demo certificates' PKCS#12 files.
const demoCertDir = "var/demo-certs"

// seedAll migrates and loads the reference data; with demo, the demo
// province too (accounts, regimes and their past), and (when docs is not
// nil) demo signing certificates. It returns the demo accounts.
func seedAll(ctx context.Context, db *database.DB, demo bool, docs *documents.Store) ([]seed.DemoAccount, error) {
	if err := database.Migrate(ctx, db); err != nil {
		return nil, err
	}
	if err := seed.Reference(ctx, db); err != nil {
		return nil, fmt.Errorf("seed units: %w", err)
	}
	if err := seed.Catalog(ctx, db); err != nil {
		return nil, fmt.Errorf("seed indicators and holidays: %w", err)
	}
	if !demo {
		return nil, nil
	}
	list, err := seed.Demo(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := seed.DemoRegimes(ctx, db); err != nil {
		return nil, fmt.Errorf("seed demo regimes: %w", err)
	}
	if _, err := seed.DemoHistory(ctx, db, time.Now()); err != nil {
		return nil, fmt.Errorf("seed demo history: %w", err)
	}
	if docs != nil {
		if err := docs.DemoCertificates(ctx, demoCertDir, seed.DemoPassword); err != nil {
			return nil, fmt.Errorf("seed demo certificates: %w", err)
		}
	}
	return list, nil
}

// printDemoAccounts prints the demo accounts, each with the journey it is
// for (README.md tells the same).
func printDemoAccounts(stdout io.Writer, list []seed.DemoAccount, certificates bool) {
	fmt.Fprintln(stdout, "Demo accounts (first password for each: "+seed.DemoPassword+"; it must be changed at first sign-in;")
	fmt.Fprintln(stdout, "admins set up two-factor sign-in with an authenticator app first):")
	for _, a := range list {
		note := ""
		if !a.Created {
			note = "  (exists already: password as last set)"
		}
		fmt.Fprintf(stdout, "  %-18s %-22s %-20s %s%s\n", a.Username, a.FullName, a.UnitKey, a.Journey, note)
	}
	if certificates {
		fmt.Fprintln(stdout, "Leaders sign, and units seal, with certificates of "+documents.DemoCAName+" held by the system;")
		fmt.Fprintln(stdout, "their PKCS#12 files (password "+seed.DemoPassword+") and the CA certificate are in "+demoCertDir+".")
	} else {
		fmt.Fprintln(stdout, "SECRET_KEY is not set: no demo signing certificates.")
	}
}

func createAdmin(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	username := fs.String("username", "", "sign-in name")
	name := fs.String("name", "", "full name")
	unitKey := fs.String("unit", "so-kh-cn", "key of the admin's unit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	return withDB(ctx, getenv, func(db *database.DB) error {
		if _, err := seedAll(ctx, db, false, nil); err != nil {
			return err
		}
		stores := app.New(cfg, db)
		unit, err := stores.Units.UnitByKey(ctx, *unitKey)
		if err != nil {
			return fmt.Errorf("unit %q: %w", *unitKey, err)
		}
		a, password, err := stores.Accounts.CreateAccount(ctx, accounts.Input{Username: *username, FullName: *name, UnitID: unit.ID, Tier: accounts.SystemAdmin})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created system admin %s in %s.\nTemporary password (shown once, change at first sign-in): %s\n", a.Username, unit.Name, password)
		return nil
	})
}

// backupCommand runs `backup -out FILE` or `restore -in FILE`.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	file := fs.String("out", "", "backup file to write")
	if args[0] == "restore" {
		file = fs.String("in", "", "backup file to restore")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("name the backup file (-out or -in)")
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is not set")
	}
	key, err := backup.ParseKey(getenv("BACKUP_KEY"))
	if err != nil {
		return err
	}
	start := time.Now()
	if args[0] == "backup" {
		sum, err := backup.Backup(ctx, backup.DefaultTools, url, *file, key)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s in %s (sha256 %s)\n", *file, time.Since(start).Round(time.Millisecond), sum)
		return nil
	}
	if err := backup.Restore(ctx, backup.DefaultTools, url, *file, key); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s in %s\n", *file, time.Since(start).Round(time.Millisecond))
	return nil
}

func loadtestCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	o := loadtest.Options{}
	fs.StringVar(&o.BaseURL, "url", "http://127.0.0.1:8099", "server to load (loopback only)")
	fs.IntVar(&o.Officials, "officials", 200, "simulated officials")
	fs.IntVar(&o.Receivers, "receivers", 10, "simulated receivers opening the consolidation")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "how long the surge lasts")
	fs.IntVar(&o.MaxActions, "actions", 20, "the most saves per official")
	fs.DurationVar(&o.Think, "think", 10*time.Second, "an official's pause between saves")
	fs.IntVar(&o.ServerPID, "pid", 0, "server process, for its peak memory")
	fs.BoolVar(&o.StormFirst, "storm", true, "begin with a sign-in storm alone (the hashers' rate when nothing else waits)")
	fs.IntVar(&o.Lifecycles, "lifecycles", -1, "reports taken through the whole lifecycle (default: every fifth official's)")
	fs.BoolVar(&o.Burst, "burst", false, "begin every lifecycle at once when the surge's time is up, instead of over its second half")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if u, err := neturl.Parse(o.BaseURL); err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		return errors.New("the load test only targets a server on loopback (127.0.0.1, localhost, ::1)")
	}
	// Preparing audits what it sets up (ad-hoc periods); that is not the run's output.
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	return withDB(ctx, getenv, func(db *database.DB) error {
		// The lifecycle's leaders and units get certificates sealed with the
		// server's SECRET_KEY; without it the run has no lifecycle.
		if cfg, err := config.FromEnv(getenv); err != nil || getenv("SECRET_KEY") == "" {
			fmt.Fprintln(stdout, "no report goes through the whole lifecycle: SECRET_KEY (the server's) is needed:", err)
		} else {
			o.Documents = app.New(cfg, db).Documents
		}
		officials, receivers, period, err := loadtest.Prepare(ctx, db, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "load test: %d officials, %d receivers, %s against %s\n", o.Officials, o.Receivers, o.Duration, o.BaseURL)
		res := loadtest.Run(ctx, o, officials, receivers, period)
		lost, err := loadtest.Verify(ctx, db, res)
		if err != nil {
			return err
		}
		problems := loadtest.Report(stdout, res, lost)
		mismatches, err := consolidation.Check(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "maintained consolidation differing from a full recomputation: %d cells (budget 0)\n", len(mismatches))
		if len(mismatches) > 0 {
			problems = append(problems, fmt.Sprintf("%d consolidated cells differ from a full recomputation", len(mismatches)))
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "; "))
		}
		return nil
	})
}

// checkConsolidation prints every maintained consolidation aggregate that
// differs from a full recomputation, and fails if there is one.
func checkConsolidation(ctx context.Context, db *database.DB, stdout io.Writer) error {
	mismatches, err := consolidation.Check(ctx, db)
	if err != nil {
		return err
	}
	for _, m := range mismatches {
		fmt.Fprintln(stdout, m)
	}
	if len(mismatches) > 0 {
		return fmt.Errorf("%d consolidated cells differ from a full recomputation", len(mismatches))
	}
	fmt.Fprintln(stdout, "consolidation: every maintained cell equals a full recomputation")
	return nil
}

// watchHeap is a diagnostic (HEAP_PROFILE): every 10 s it logs the live
// heap, the collector's goal and its share of the processor time so far,
// and writes a heap profile to file each time the live heap is larger
// than it ever was: what the last collection found live at the peak.
func writeHeapProfile(file string) {
	if f, err := os.Create(file); err == nil {
		_ = pprof.Lookup("heap").WriteTo(f, 0)
		_ = f.Close()
	}
}

func watchHeap(ctx context.Context, log *slog.Logger, file string) {
	names := []string{"/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/gc/cycles/total:gc-cycles",
		"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/total:cpu-seconds",
		"/memory/classes/total:bytes", "/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes",
		"/memory/classes/heap/free:bytes", "/memory/classes/heap/stacks:bytes", "/sched/goroutines:goroutines",
		"/cpu/classes/gc/mark/idle:cpu-seconds", "/cpu/classes/gc/mark/assist:cpu-seconds"}
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	mb := func(i int) uint64 { return samples[i].Value.Uint64() >> 20 }
	var peak uint64
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		metrics.Read(samples)
		live := samples[0].Value.Uint64()
		log.Info("heap", "live_mb", mb(0), "goal_mb", mb(1), "gc_cycles", samples[2].Value.Uint64(),
			"gc_cpu_s", samples[3].Value.Float64(), "cpu_s", samples[4].Value.Float64(),
			"runtime_mb", mb(5), "objects_mb", mb(6), "unused_mb", mb(7), "free_mb", mb(8), "stacks_mb", mb(9),
			"goroutines", samples[10].Value.Uint64(),
			// The idle marking runs on Ps nothing else wanted; an assist
			// is a request's own time spent marking.
			"gc_idle_cpu_s", samples[11].Value.Float64(), "gc_assist_cpu_s", samples[12].Value.Float64())
		if live <= peak {
			continue
		}
		peak = live
		writeHeapProfile(file)
	}
}
