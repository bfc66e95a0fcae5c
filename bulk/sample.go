package bulk

import (
	"encoding/csv"
	"fmt"
	"io"
)

// sampleAddressees are the buyers of Sample, taking turns.
var sampleAddressees = [][]string{
	{"Jonas Müller", "Invalidenstraße 1", "Berlin", "10115", "DE"},
	{"Anna Kowalska", "ul. Marszałkowska 10", "Warszawa", "00-590", "PL"},
	{"Camille Dubois", "12 rue de Rivoli", "Paris", "75004", "FR"},
	{"Lucía García", "Calle de Alcalá 45", "Madrid", "28014", "ES"},
	{"Emma Jansen", "Damrak 20", "Amsterdam", "1012 LJ", "NL"},
}

// Sample writes an upload file of n valid rows in the template (UTF-8 CSV),
// references prefix-000001 on: the demo's sample and the benchmark's input.
func Sample(w io.Writer, n int, prefix string) error {
	cw := csv.NewWriter(w)
	header := []string{"merchant_ref", "product", "sender_name", "sender_address", "sender_city", "sender_postcode", "sender_country",
		"addressee_name", "addressee_address", "addressee_city", "addressee_postcode", "addressee_country",
		"weight_g", "length_mm", "width_mm", "height_mm", "category", "currency",
		"item1_description", "item1_quantity", "item1_net_weight_g", "item1_value", "item1_hs_code", "item1_origin_country"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range n {
		a := sampleAddressees[i%len(sampleAddressees)]
		row := []string{fmt.Sprintf("%s-%06d", prefix, i+1), "registered-small-packet",
			"Xiamen Tea House", "88 Lujiang Rd", "Xiamen", "361001", "CN",
			a[0], a[1], a[2], a[3], a[4],
			fmt.Sprint(400 + i%300), "200", "150", "40", "sale_of_goods", "USD",
			"Oolong tea, loose leaf, 100 g tin", fmt.Sprint(1 + i%3), fmt.Sprint(100 * (1 + i%3)), fmt.Sprintf("%d.50", 8+i%20), "090230", "CN"}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
