package cli

import (
	"fmt"

	"github.com/goradius/goradius/internal/djimport"
	"github.com/goradius/goradius/internal/store"
)

const importUsage = `import SUBCOMMAND [flags]

Subcommands:
  django --from URL   bring over a django-freeradius database (sqlite:PATH, postgres://... or mysql://...):
                      users with their password hashes, radius groups, check and reply items,
                      memberships, NAS, tokens, batches, accounting and post-auth history

The source is only read. Records already in goradius (same username, group name, session
unique id ...) are left as they are, so running the import again changes nothing.`

func runImport(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage: goradius "+importUsage)
		if len(args) == 0 {
			return usagef("a subcommand is needed")
		}
		return nil
	}
	if args[0] != "django" {
		return usagef("unknown subcommand %q (django)", args[0])
	}
	fs := newFlags(env, "import django", "import django --from URL [--db URL]")
	from := fs.String("from", "", "the django-freeradius database: sqlite:PATH, postgres://user:pass@host:5432/db?sslmode=disable or mysql://user:pass@host:3306/db")
	batchSize := fs.Int("batch-size", 500, "rows written per transaction")
	c, pos, err := loadDB(env, fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *from == "" {
		return usagef("--from is needed: the URL of the django-freeradius database")
	}
	if *batchSize < 1 {
		return usagef("--batch-size must be at least 1")
	}
	if *from == c.DB {
		return usagef("--from and --db name the same database %s: import into a separate goradius database", redactURL(c.DB))
	}

	src, err := djimport.Open(env.Ctx, *from)
	if err != nil {
		return scrub(fmt.Errorf("reading the django-freeradius database %s: %w", redactURL(*from), err), *from)
	}
	defer src.Close()

	log := setupLog(env.Stderr, c)
	s, _, err := openStore(env.Ctx, c, log)
	if err != nil {
		return err
	}
	defer s.Close()
	dst, ok := s.(store.Importer)
	if !ok {
		return fmt.Errorf("the database %s cannot import records", redactURL(c.DB))
	}

	fmt.Fprintf(env.Stdout, "importing django-freeradius (%s) %s into %s\n", src.Dialect(), redactURL(*from), redactURL(c.DB))
	rep, err := djimport.Import(env.Ctx, src, dst, djimport.Options{TimeZone: c.TimeZone, BatchSize: *batchSize})
	_ = rep.Write(env.Stdout)
	if err != nil {
		return scrub(fmt.Errorf("import stopped (what was written so far stays; running it again continues): %w", err), *from)
	}
	if rep.DefaultGroup != "" {
		fmt.Fprintf(env.Stdout, "default radius group: %s\n", rep.DefaultGroup)
	}
	fmt.Fprintln(env.Stdout, "batch files: not imported (django-freeradius keeps the uploaded CSV and the credentials PDF "+
		"in its media storage, not in its database); the batches keep the file names")
	fmt.Fprintf(env.Stdout, "%d record(s) imported\n", rep.Inserted())
	return nil
}
