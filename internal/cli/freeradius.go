package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goradius/goradius/internal/freeradius"
)

// raddb is where Debian and Ubuntu keep FreeRADIUS 3.x's configuration.
const raddb = "/etc/freeradius/3.0"

func runFreeradiusConfig(env *Env, args []string) error {
	fs := newFlags(env, "freeradius-config", "freeradius-config --url URL [--token T] [--out DIR] [--style native|django]")
	rawURL := fs.String("url", "", "goradius's address as FreeRADIUS reaches it, e.g. http://127.0.0.1:8000 (required)")
	token := fs.String("token", "", "the API token (goradius api-token); without it a placeholder is written")
	out := fs.String("out", "", "write the files under this directory (mods-available/, sites-available/) instead of printing them")
	style := fs.String("style", string(freeradius.Native), "request bodies: native (rlm_rest encodes every attribute) or django (django-freeradius's data templates)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *rawURL == "" {
		return usagef("--url is needed, e.g. --url http://127.0.0.1:8000")
	}
	st, err := freeradius.ParseStyle(*style)
	if err != nil {
		return usagef("--style: %v", err)
	}
	if _, err := freeradius.CheckURL(*rawURL); err != nil {
		return usagef("--url: %v", err)
	}
	if *token != "" {
		if err := freeradius.CheckToken(*token); err != nil {
			return usagef("--token: %v", err)
		}
	}
	files, err := freeradius.Render(freeradius.Options{URL: *rawURL, Token: *token, Style: st})
	if err != nil {
		return err
	}

	if *out == "" {
		for i, f := range files {
			if i > 0 {
				fmt.Fprintln(env.Stdout)
			}
			fmt.Fprintf(env.Stdout, "######## %s ########\n", f.Path)
			if _, err := env.Stdout.Write(f.Content); err != nil {
				return err
			}
		}
		if *token == "" {
			placeholderNote(env.Stderr)
		}
		return nil
	}

	dir, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		// The rest module holds the API token: not world-readable.
		if err := os.WriteFile(p, f.Content, 0o640); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "Wrote the FreeRADIUS configuration (style %s) for goradius at %s:\n", st, strings.TrimRight(*rawURL, "/"))
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "  %s\n", filepath.Join(dir, filepath.FromSlash(f.Path)))
	}
	if *token == "" {
		placeholderNote(env.Stdout)
	}
	installSteps(env.Stdout, dir)
	return nil
}

func placeholderNote(w io.Writer) {
	fmt.Fprintf(w, "\nNOTE: no --token given: mods-available/rest holds the placeholder %s.\n"+
		"Replace it with the output of 'goradius api-token' (api_token_header), or FreeRADIUS's requests get 403.\n",
		freeradius.TokenPlaceholder)
}

// installSteps prints the shell commands that install the files written
// under dir in Debian's FreeRADIUS.
func installSteps(w io.Writer, dir string) {
	q := shellQuote
	fmt.Fprintf(w, `
To install them (Debian/Ubuntu, FreeRADIUS 3.x in %[1]s), as root:

  cd %[1]s
  # Debian's mods-available/rest is an example: it is replaced.
  install -m 640 -g freerad %[2]s mods-available/rest
  install -m 640 -g freerad %[3]s %[4]s sites-available/
  ln -sf ../mods-available/rest mods-enabled/rest
  ln -sf ../sites-available/%[5]s sites-enabled/%[5]s
  ln -sf ../sites-available/%[6]s sites-enabled/%[6]s
  # The default site listens on the same ports as %[5]s: disable it.
  # (inner-tunnel may stay; remove it too if nothing else uses it.)
  rm -f sites-enabled/default
  # PEAP and EAP-TTLS: let eap use goradius's inner tunnel.
  sed -i 's/virtual_server = "inner-tunnel"/virtual_server = "%[6]s"/' mods-available/eap
  # For EAP, also edit mods-available/eap: default_eap_type (e.g. peap) and,
  # in tls-config tls-common, private_key_file, certificate_file, ca_file.
  freeradius -CX        # checks the configuration; must end with "Configuration appears to be OK"
  systemctl restart freeradius   # goradius must already be running

Every Access-Request and Accounting-Request then goes to goradius; see docs/freeradius.md.
`, raddb,
		q(filepath.Join(dir, "mods-available", "rest")),
		q(filepath.Join(dir, "sites-available", freeradius.SiteName)),
		q(filepath.Join(dir, "sites-available", freeradius.InnerTunnelName)),
		freeradius.SiteName, freeradius.InnerTunnelName)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
