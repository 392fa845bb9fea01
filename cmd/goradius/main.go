// Command goradius gives FreeRADIUS its users, passwords, policies and
// accounting over HTTP.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// The binary carries its own time zone database, so --time-zone works on
	// hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/goradius/goradius/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(&cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Ctx: ctx}, os.Args[1:])
	stop()
	os.Exit(code)
}
