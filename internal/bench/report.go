package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes a result as indented JSON, atomically.
func WriteJSON(path string, res Result) error { return writeJSONFile(path, res) }

// writeJSONFile writes v as indented JSON, atomically.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Clean(path))
}

// ReadJSON reads a result written by WriteJSON.
func ReadJSON(path string) (Result, error) {
	var res Result
	data, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
	err = json.Unmarshal(data, &res)
	return res, err
}

// WriteTables prints the ingest table and the query table of the results.
func WriteTables(w io.Writer, results []Result) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nMachine: %s\n", results[0].Machine.Summary())
	fmt.Fprintln(w, "\nIngest (batched ingester; naive = one row per transaction on a sample)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tnodes\trels\tvalidate s\tingest s\tnodes/s\trels/s\trows/s\tnaive rows/s\tratio\tpeak heap MB\tpeak RSS MB\tparse s\twrite s\tcpu psi %\t")
	for _, r := range results {
		in := r.Ingest
		naive, ratio := "-", "-"
		if r.Naive != nil {
			naive = fmt.Sprintf("%.0f", r.Naive.NaiveRowsPerSec)
			ratio = fmt.Sprintf("%.1f×", r.Naive.RatioFull)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%.0f\t%.0f\t%.1f\t%.1f\t%.0f\t\n",
			r.Size, in.Nodes, in.Rels, in.ValidateSec, in.IngestSec, in.NodesPerSec, in.RelsPerSec, in.RowsPerSec,
			naive, ratio, in.IngestMem.PeakHeapMB, in.IngestMem.PeakRSSMB, in.Breakdown.ReadSec,
			in.Breakdown.NodeWritesSec+in.Breakdown.RelWritesSec, in.CPUPressurePct)
	}
	tw.Flush()
	writeQueryTable(w, results)
	var peers []PeerResult
	for _, r := range results {
		if r.Peer != nil {
			peers = append(peers, *r.Peer)
		}
	}
	WritePeerTable(w, peers)
}

// writeQueryTable prints the query table: each query on each side.
func writeQueryTable(w io.Writer, results []Result) {
	var any bool
	for _, r := range results {
		any = any || len(r.Queries) > 0
	}
	if !any {
		return
	}
	fmt.Fprintln(w, "\nQueries (ms; ratio = graphql p50 / cypher p50; hits = PROFILE db hits, median over targets)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tquery\tc\tside\tp50\tp95\tp99\treq/s\terrors\tratio\thits\t")
	// Reasons are long; they go under the table so they do not widen a column.
	var unmeasured []string
	for _, r := range results {
		for _, q := range r.Queries {
			if len(q.Results) == 0 {
				fmt.Fprintf(tw, "%s\t%s\t\t%s\t\t\t\t\t\t\t\t\n", r.Size, q.Name, "n/a ¹")
				unmeasured = append(unmeasured, fmt.Sprintf("¹ %s %s: %s", r.Size, q.Name, q.Unavailable))
				continue
			}
			for _, c := range r.Settings.Concurrency {
				key := fmt.Sprint(c)
				for _, side := range []string{SideCypher, SideStore, SideGraphQL} {
					l, ok := q.Results[side][key]
					ratio := ""
					if side == SideGraphQL {
						if !ok {
							fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t\t\t\t\t\t\t\t\n", r.Size, q.Name, c, "graphql: not available")
							continue
						}
						ratio = fmt.Sprintf("%.2f×", q.RatioP50[key])
					}
					if !ok {
						continue
					}
					hits := ""
					if side == SideCypher {
						hits = fmt.Sprint(q.DBHits)
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.1f\t%d\t%s\t%s\t\n",
						r.Size, q.Name, c, side, l.P50Ms, l.P95Ms, l.P99Ms, l.RPS, l.Errors, ratio, hits)
				}
			}
		}
	}
	tw.Flush()
	for _, u := range unmeasured {
		fmt.Fprintln(w, u)
	}
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note (%s): %s\n", r.Size, strings.TrimSpace(n))
		}
	}
}

// WritePeerTable prints the comparison with @neo4j/graphql: per size and
// query, both sides' throughput and latency, and the CPU milliseconds per
// request of Neo4j and of each server, with armsgraph's figure over the peer's.
func WritePeerTable(w io.Writer, results []PeerResult) {
	if len(results) == 0 {
		return
	}
	p := results[0]
	fmt.Fprintf(w, "\narmsgraph vs @neo4j/graphql %s (Apollo Server %s, Node %s), same Neo4j and data, c=%d, %.0fs per run\n",
		p.Peer.Library, p.Peer.Server, p.Peer.Node, p.Concurrency, p.DurationSec)
	fmt.Fprintln(w, "(rps and p50/p99 ms: armsgraph / peer; ×: armsgraph over peer; CPU: ms per request; same: targets answered alike)")
	cached := hasCachedSide(results)
	if cached {
		fmt.Fprintln(w, "(armsgraph with its result cache off, the fair fight; then, under \"cache on\", the same queries repeated against a server with --cache-bytes: rps, × over the peer, p99 ms, server CPU ms per request)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "size\tquery\trps\t×\tp50\tp99\tNeo4j CPU\t×\tserver CPU\t×\tsame\tpsi %\t"
	if cached {
		header += "cache on: rps\t×\tp99\tserver CPU\t"
	}
	fmt.Fprintln(tw, header)
	var notes []string
	for _, r := range results {
		for _, q := range r.Queries {
			if q.Unavailable != "" {
				fmt.Fprintf(tw, "%s\t%s\tn/a ¹\t\t\t\t\t\t\t\t\t\t\n", r.Size, q.Name)
				notes = append(notes, fmt.Sprintf("¹ %s %s: %s", r.Size, q.Name, q.Unavailable))
				continue
			}
			a, b := q.Sides[SideArmsgraph], q.Sides[SidePeer]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\t", r.Size, q.Name,
				pair(a.RPS, b.RPS, "%.0f"), times(q.Ratios.RPS),
				pair(a.P50Ms, b.P50Ms, "%.1f"), pair(a.P99Ms, b.P99Ms, "%.1f"),
				pair(a.Neo4jCPUMs, b.Neo4jCPUMs, "%.2f"), times(q.Ratios.Neo4jCPU),
				pair(a.ServerCPUMs, b.ServerCPUMs, "%.2f"), times(q.Ratios.ServerCPU),
				q.SameAnswers, q.Targets, pct(q.CPUPressurePct))
			if c, ok := q.Sides[SideCached]; ok && q.CachedRatios != nil {
				fmt.Fprintf(tw, "%.0f\t%s\t%.1f\t%s\t", c.RPS, times(q.CachedRatios.RPS), c.P99Ms, fmtMs(c.ServerCPUMs))
			} else if cached {
				fmt.Fprint(tw, "-\t\t\t\t")
			}
			fmt.Fprintln(tw)
			if q.Mismatch != "" {
				notes = append(notes, fmt.Sprintf("%s %s: answers differ: %s", r.Size, q.Name, q.Mismatch))
			}
			for _, side := range []string{SideArmsgraph, SidePeer, SideCached} {
				if l := q.Sides[side]; l.Errors > 0 {
					notes = append(notes, fmt.Sprintf("%s %s %s: %d errors: %.160s", r.Size, q.Name, side, l.Errors, l.FirstError))
				}
			}
		}
	}
	tw.Flush()
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note (%s): %s\n", r.Size, n)
		}
	}
}

// hasCachedSide reports whether any query was timed with the cache on.
func hasCachedSide(results []PeerResult) bool {
	for _, r := range results {
		for _, q := range r.Queries {
			if _, ok := q.Sides[SideCached]; ok {
				return true
			}
		}
	}
	return false
}

// pair formats "a / b", with "-" for an unknown (negative) figure.
func pair(a, b float64, format string) string {
	f := func(v float64) string {
		if v < 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	return f(a) + " / " + f(b)
}

// times formats a ratio as "1.50×", "-" when unknown.
func times(r float64) string {
	if r < 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", r)
}

func pct(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}
