package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

func runBatch(env *Env, args []string) error {
	return runSubcommands(env, "batch", "Batches of users, created all at once (all or nothing) from a CSV file or generated\n"+
		"with a prefix, as django-freeradius's batch_add_users and prefix_add_users. A batch is\n"+
		"named by its id or its name.\n\n"+
		"CSV files have no header and five columns: username,password,email,firstname,lastname.\n"+
		"An empty password is generated and e-mailed; 'cleartext$PW' is hashed; anything else is\n"+
		"kept as a Django password hash. An empty username is taken from the e-mail address.\n\n"+
		"Examples:\n"+
		"  goradius batch import users.csv --name spring-course --expiration 2026-06-30\n"+
		"  goradius batch generate --prefix guest --count 50 --pdf guests.pdf", []subcommand{
		{"list", "list [--search TEXT] [--strategy csv|prefix] [--json]", batchList},
		{"show", "show ID|NAME [--json]", batchShow},
		{"import", "import FILE --name NAME [--expiration DATE] [--password-length L] [--json]", batchImport},
		{"generate", "generate --prefix P --count N [--name NAME] [--expiration DATE] [--password-length L] [--pdf FILE] [--json]", batchGenerate},
		{"download", "download ID|NAME (--pdf FILE | --csv FILE)   (FILE - is standard output)", batchDownload},
		{"expire", "expire ID|NAME   (its users can no longer log in, from now)", batchExpire},
		{"delete", "delete ID|NAME   (with its users)", batchDelete},
	}, args)
}

func batchList(env *Env, args []string) error {
	fs := newFlags(env, "batch list", "batch list [--search TEXT] [--strategy csv|prefix] [--json]")
	search := fs.String("search", "", "only batches whose name contains TEXT")
	strategy := fs.String("strategy", "", "only csv or prefix batches")
	asJSON := jsonFlag(fs)
	pf := addPageFlags(fs, 0)
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	return showList(env, c, *asJSON, func(a *admin.Service) ([]admin.Batch, int, error) {
		return a.ListBatches(env.Ctx, store.BatchFilter{Search: *search, Strategy: *strategy}, *pf.offset, *pf.limit)
	}, listTable[admin.Batch]{
		headers: []string{"ID", "NAME", "STRATEGY", "USERS", "EXPIRES", "CREATED"},
		row: func(b admin.Batch) []string {
			return []string{b.ID, b.Name, b.Strategy, fmt.Sprint(b.UserCount), strOr(b.ExpirationDate), when(&b.Created, c.TimeZone)}
		},
		what: "batch(es), newest first",
	})
}

func printBatch(env *Env, b admin.Batch, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, b)
	}
	fmt.Fprintf(env.Stdout, "batch %s (id %s), %s strategy, %d user(s)\n", b.Name, b.ID, b.Strategy, b.UserCount)
	if b.ExpirationDate != nil {
		fmt.Fprintf(env.Stdout, "expiration date: %s (last day of login)\n", *b.ExpirationDate)
	}
	if b.PDFFile != "" {
		fmt.Fprintf(env.Stdout, "credentials PDF: goradius batch download %s --pdf FILE\n", b.ID)
	}
	if b.CSVFile != "" {
		fmt.Fprintf(env.Stdout, "uploaded CSV %s: goradius batch download %s --csv FILE\n", b.CSVFile, b.ID)
	}
	if len(b.Users) > 0 {
		fmt.Fprintf(env.Stdout, "users: %s\n", strings.Join(b.Users, " "))
	}
	return nil
}

func batchShow(env *Env, args []string) error {
	fs := newFlags(env, "batch show", "batch show ID|NAME [--json]")
	asJSON := jsonFlag(fs)
	c, arg, err := loadDBArg(env, fs, args, one("a batch id or name"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		b, err := a.Batch(env.Ctx, arg)
		if err != nil {
			return explain(err)
		}
		return printBatch(env, b, *asJSON)
	})
}

// batchFlags are the flags import and generate share.
type batchFlags struct {
	name, expiration *string
	passwordLength   *int
	asJSON           *bool
}

func addBatchFlags(fs interface {
	String(string, string, string) *string
	Int(string, int, string) *int
	Bool(string, bool, string) *bool
}, nameHelp string) batchFlags {
	return batchFlags{
		name:           fs.String("name", "", nameHelp),
		expiration:     fs.String("expiration", "", "last day the users may log in: YYYY-MM-DD (or DD-MM-YYYY, as django-freeradius)"),
		passwordLength: fs.Int("password-length", 0, "length of generated passwords (default: --batch-password-length, 8)"),
		asJSON:         fs.Bool("json", false, "print the batch as JSON"),
	}
}

// input fills the common part of a batch request.
func (f batchFlags) input(in *admin.BatchInput) error {
	in.Name, in.PasswordLength = *f.name, *f.passwordLength
	if *f.expiration != "" {
		d, err := parseDate(*f.expiration)
		if err != nil {
			return usagef("--expiration: %v", err)
		}
		in.ExpirationDate = &d
	}
	return nil
}

// progress returns the hashing progress callback: a bar on a terminal,
// nothing otherwise.
func progress(env *Env) func(done, total int) {
	if !isTerminal(env.Stderr) {
		return nil
	}
	return newProgressBar(env.Stderr, "hashing passwords").update
}

func batchImport(env *Env, args []string) error {
	fs := newFlags(env, "batch import", "batch import FILE --name NAME [--expiration DATE] [--password-length L]\n\n"+
		"Creates a user per line of the CSV file, all in one transaction (a mistake on any line\n"+
		"creates none and says which line). On a terminal, a progress bar shows the passwords\n"+
		"being hashed.")
	bf := addBatchFlags(fs, "name of the batch (unique; required)")
	c, file, err := loadDBArg(env, fs, args, one("a CSV file"))
	if err != nil {
		return err
	}
	in := admin.BatchInput{Strategy: users.StrategyCSV, CSVName: filepath.Base(file), Progress: progress(env)}
	if err := bf.input(&in); err != nil {
		return err
	}
	if in.Name == "" {
		return usagef("--name is needed: a unique name for the batch")
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading the CSV file: %w", err)
	}
	in.CSV = content
	return withAdmin(env, c, func(a *admin.Service) error {
		b, _, err := a.CreateBatch(env.Ctx, in)
		if err != nil {
			return explain(err)
		}
		return printOrJSON(env.Stdout, *bf.asJSON, b, "created batch %s (id %s) with %d user(s) from %s", b.Name, b.ID, b.UserCount, in.CSVName)
	})
}

func batchGenerate(env *Env, args []string) error {
	fs := newFlags(env, "batch generate", "batch generate --prefix P --count N [--name NAME] [--expiration DATE] [--pdf FILE]\n\n"+
		"Creates users PREFIX1 ... PREFIXN (numbers already taken are skipped) with generated\n"+
		"passwords, and a PDF of their credentials kept with the batch ('batch download').")
	prefix := fs.String("prefix", "", "username prefix (at most 20 characters; required)")
	count := fs.Int("count", 0, fmt.Sprintf("number of users, 1 to %d (required)", users.MaxPrefixUsers))
	pdf := fs.String("pdf", "", "write the credentials PDF to FILE as well (- for standard output)")
	bf := addBatchFlags(fs, "name of the batch (unique; default: PREFIX-DATE-TIME)")
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	if *prefix == "" || *count < 1 {
		return usagef("--prefix and --count (at least 1) are needed, e.g. --prefix guest --count 50")
	}
	in := admin.BatchInput{Strategy: users.StrategyPrefix, Prefix: *prefix, Count: *count, Progress: progress(env)}
	if err := bf.input(&in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = *prefix + "-" + time.Now().In(c.TimeZone).Format("20060102-150405")
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		b, creds, err := a.CreateBatch(env.Ctx, in)
		if err != nil {
			return explain(err)
		}
		if *pdf != "" {
			f, err := a.BatchFile(env.Ctx, b.ID, "pdf")
			if err != nil {
				return explain(err)
			}
			if err := writeOut(env, *pdf, f.Content); err != nil {
				return err
			}
		}
		if *bf.asJSON {
			return writeJSON(env.Stdout, struct {
				Batch       admin.Batch      `json:"batch"`
				Credentials []credentialJSON `json:"credentials"`
			}{b, credentialsJSON(creds)})
		}
		if *pdf == "-" {
			return nil // standard output holds the PDF
		}
		msg := fmt.Sprintf("created batch %s (id %s) with %d user(s): %s ... %s", b.Name, b.ID, b.UserCount, b.Users[0], b.Users[len(b.Users)-1])
		if *pdf != "" {
			msg += "; credentials in " + *pdf
		} else {
			msg += fmt.Sprintf("; credentials: goradius batch download %s --pdf FILE", b.ID)
		}
		fmt.Fprintln(env.Stdout, msg)
		return nil
	})
}

type credentialJSON struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func credentialsJSON(creds []batch.Credential) []credentialJSON {
	out := make([]credentialJSON, len(creds))
	for i, c := range creds {
		out[i] = credentialJSON{c.Username, c.Password}
	}
	return out
}

// writeOut writes content to path ("-": standard output), readable by its
// owner only: batch files hold credentials.
func writeOut(env *Env, path string, content []byte) error {
	if path == "-" {
		_, err := env.Stdout.Write(content)
		return err
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func batchDownload(env *Env, args []string) error {
	fs := newFlags(env, "batch download", "batch download ID|NAME (--pdf FILE | --csv FILE)")
	pdf := fs.String("pdf", "", "write the credentials PDF of a prefix batch to FILE (- for standard output)")
	csv := fs.String("csv", "", "write the uploaded CSV of an imported batch to FILE (- for standard output)")
	c, arg, err := loadDBArg(env, fs, args, one("a batch id or name"))
	if err != nil {
		return err
	}
	kind, out := "pdf", *pdf
	switch {
	case *pdf != "" && *csv != "":
		return usagef("give --pdf or --csv, not both")
	case *csv != "":
		kind, out = "csv", *csv
	case *pdf == "":
		return usagef("--pdf FILE or --csv FILE is needed")
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		f, err := a.BatchFile(env.Ctx, arg, kind)
		if err != nil {
			return explain(err)
		}
		if err := writeOut(env, out, f.Content); err != nil {
			return err
		}
		if out != "-" {
			fmt.Fprintf(env.Stdout, "wrote %s (%d bytes)\n", out, len(f.Content))
		}
		return nil
	})
}

func batchExpire(env *Env, args []string) error {
	fs := newFlags(env, "batch expire", "batch expire ID|NAME")
	c, arg, err := loadDBArg(env, fs, args, one("a batch id or name"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		b, err := a.ExpireBatch(env.Ctx, arg)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "batch %s expired: its %d user(s) can no longer log in\n", b.Name, b.UserCount)
		return nil
	})
}

func batchDelete(env *Env, args []string) error {
	fs := newFlags(env, "batch delete", "batch delete ID|NAME")
	c, arg, err := loadDBArg(env, fs, args, one("a batch id or name"))
	if err != nil {
		return err
	}
	return withAdmin(env, c, func(a *admin.Service) error {
		n, err := a.DeleteBatch(env.Ctx, arg)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "batch %s deleted with its %d user(s)\n", arg, n)
		return nil
	})
}
