package armsgraphtc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/testcontainers/testcontainers-go"

	"armsgraph/pkg/armsgraphtc"
)

// Start armsgraph with a seed folder of the test's own, ask it the ancestry
// of a weapon over HTTP, and remove everything at the end.
func ExampleRun() {
	ctx := context.Background()
	c, err := armsgraphtc.Run(ctx, armsgraphtc.WithSeeds("testdata/seeds"), armsgraphtc.WithDataset("fixture"))
	defer func() {
		if err := testcontainers.TerminateContainer(c); err != nil {
			log.Print(err)
		}
	}()
	if err != nil {
		log.Print(err)
		return
	}

	query := `{"query": "{ lineage(weapon: \"Noor\", direction: ANCESTORS) { nodes { depth weapon { name origin { name } } } } }"}`
	resp, err := http.Post(c.GraphQLURL(ctx), "application/json", strings.NewReader(query))
	if err != nil {
		log.Print(err)
		return
	}
	defer resp.Body.Close()
	var answer struct {
		Errors []struct{ Message string }
		Data   struct {
			Lineage struct {
				Nodes []struct {
					Depth  int
					Weapon struct {
						Name   string
						Origin struct{ Name string }
					}
				}
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || len(answer.Errors) > 0 {
		log.Print(resp.Status, err, answer.Errors)
		return
	}
	for _, n := range answer.Data.Lineage.Nodes {
		fmt.Printf("depth %d: %s (%s)\n", n.Depth, n.Weapon.Name, n.Weapon.Origin.Name)
	}
	// Output:
	// depth 0: Noor (Iran)
	// depth 1: C-802 (China)
}
