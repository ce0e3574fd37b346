package eval

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/photorec/photorec/graph"
)

// WriteTable prints results as an aligned text table: one row per result with HR, Recall and
// NDCG at each K, coverage at the largest K, the explained share at the smallest K, users without
// recommendations, time per user, and
// HR at the smallest K relative to flexplore (the row with the default constants, else the first
// flexplore row; "-" when there is none).
func WriteTable(w io.Writer, results []Result, ks []int) error {
	if len(ks) == 0 {
		ks = DefaultKs
	}
	baseRow := -1
	for i, r := range results {
		if r.Algorithm != graph.Flexplore {
			continue
		}
		if baseRow < 0 || r.Params == "" && results[baseRow].Params != "" {
			baseRow = i
		}
	}
	var base float64
	if baseRow >= 0 {
		base = results[baseRow].HR[ks[0]]
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"algorithm", "params", "users"}
	for _, m := range []string{"HR", "R", "NDCG"} {
		for _, k := range ks {
			head = append(head, fmt.Sprintf("%s@%d", m, k))
		}
	}
	kmax := ks[len(ks)-1]
	head = append(head, fmt.Sprintf("cov@%d", kmax), fmt.Sprintf("why@%d", ks[0]), "no_recs", "ms/user", "p95_ms", fmt.Sprintf("HR@%d/flex", ks[0]))
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range results {
		row := []string{string(r.Algorithm), cmp.Or(r.Params, "-"), fmt.Sprint(r.Users)}
		for _, m := range []AtK{r.HR, r.Recall, r.NDCG} {
			for _, k := range ks {
				row = append(row, fmt.Sprintf("%.4f", m[k]))
			}
		}
		rel := "-"
		if base > 0 {
			rel = fmt.Sprintf("%.2fx", r.HR[ks[0]]/base)
		}
		row = append(row, fmt.Sprintf("%.4f", r.Coverage[kmax]), fmt.Sprintf("%.4f", r.Explained[ks[0]]), fmt.Sprint(r.NoRecs),
			fmt.Sprintf("%.2f", r.MeanMS), fmt.Sprintf("%.2f", r.P95MS), rel)
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("eval: write table: %w", err)
	}
	return nil
}

// WriteBreakdown prints HR and NDCG at the smallest K of every result by owner bucket: the
// held-out photo's owner already faved by the user, else followed, else neither.
func WriteBreakdown(w io.Writer, results []Result, ks []int) error {
	if len(ks) == 0 {
		ks = DefaultKs
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"algorithm", "params"}
	if len(results) > 0 {
		for _, b := range results[0].Breakdown {
			head = append(head, fmt.Sprintf("%s(%d) HR@%d", b.Owner, b.Users, ks[0]), fmt.Sprintf("NDCG@%d", ks[0]))
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range results {
		row := []string{string(r.Algorithm), cmp.Or(r.Params, "-")}
		for _, b := range r.Breakdown {
			row = append(row, fmt.Sprintf("%.4f", b.HR), fmt.Sprintf("%.4f", b.NDCG))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("eval: write breakdown: %w", err)
	}
	return nil
}
