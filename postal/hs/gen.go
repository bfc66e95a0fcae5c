//go:build ignore

// gen writes hs2022.tsv.gz, the compact form of the HS 2022 nomenclature this
// package embeds, from the CSV of github.com/datasets/harmonized-system
// (ODC-PDDL-1.0): go run gen.go PATH/harmonized-system.csv
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"log"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run gen.go harmonized-system.csv")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	out, err := os.Create("hs2022.tsv.gz")
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	n := 0
	for _, r := range recs[1:] { // section,hscode,description,parent,level
		if r[4] != "2" && r[4] != "4" && r[4] != "6" || r[1][:2] == "99" { // 99: UN Comtrade's "not specified", not HS
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", r[1], r[0], r[2])
		n++
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d codes", n)
}
