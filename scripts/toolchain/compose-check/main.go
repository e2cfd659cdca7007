// compose-check loads Compose files with compose-go — the Compose Specification's reference loader,
// the one `docker compose` uses — which validates them against the specification's JSON schema, then
// prints the resolved project as JSON. It lets the test suite check docker-compose.yml on machines
// without Docker. Like `docker compose -f a.yml -f b.yml`, later files override earlier ones, and
// COMPOSE_PROFILES picks the profiles whose services run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml> [override.yml…]")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		os.Args[1:], cli.WithOsEnv, cli.WithInterpolation(true), cli.WithDefaultProfiles(),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := json.Marshal(project)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
