package eval

import (
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
	def := graph.DefaultFlexplore()
	for i, r := range results {
		if r.Algorithm != graph.Flexplore {
			continue
		}
		if baseRow < 0 || r.Scale == def.Scale && r.Prior == def.Prior && (results[baseRow].Scale != def.Scale || results[baseRow].Prior != def.Prior) {
			baseRow = i
		}
	}
	var base float64
	if baseRow >= 0 {
		base = results[baseRow].HR[ks[0]]
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"algorithm", "scale", "prior", "users"}
	for _, m := range []string{"HR", "R", "NDCG"} {
		for _, k := range ks {
			head = append(head, fmt.Sprintf("%s@%d", m, k))
		}
	}
	kmax := ks[len(ks)-1]
	head = append(head, fmt.Sprintf("cov@%d", kmax), fmt.Sprintf("why@%d", ks[0]), "no_recs", "ms/user", "p95_ms", fmt.Sprintf("HR@%d/flex", ks[0]))
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range results {
		row := []string{string(r.Algorithm), fmt.Sprintf("%g", r.Scale), fmt.Sprintf("%g", r.Prior), fmt.Sprint(r.Users)}
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
