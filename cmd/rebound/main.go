// Command rebound is Rebound's command-line interface: a running-recovery
// coach that imports a runner's history and writes a timed recovery plan for
// every workout. All logic lives in internal/cli and the domain packages.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"rebound/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
