package cli

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store"
)

func runMigrate(env *Env, args []string) error {
	fs := newFlags(env, "migrate", "migrate [--db URL]")
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	s, n, err := openStore(env.Ctx, c, setupLog(env.Stderr, c))
	if err != nil {
		return err
	}
	defer s.Close()
	applied, latest, err := s.SchemaVersion(env.Ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); schema version %d of %d\n", n, applied, latest)
	return nil
}

func runAPIToken(env *Env, args []string) error {
	fs := newFlags(env, "api-token", "api-token [--db URL]")
	c, err := loadDBNoArgs(env, fs, args)
	if err != nil {
		return err
	}
	if c.APIToken != "" {
		fmt.Fprintln(env.Stdout, c.APIToken)
		return nil
	}
	s, _, err := openStore(env.Ctx, c, setupLog(env.Stderr, c))
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := server.StoredAPIToken(env.Ctx, s)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no API token yet: start 'goradius serve' once to generate one, or set --api-token / GORADIUS_API_TOKEN")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, t)
	return nil
}

func runVersion(env *Env, args []string) error {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintln(env.Stdout, "goradius", v)
	return nil
}
