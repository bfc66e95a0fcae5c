package risk

// Subject is what the engine reads of one declaration. Package customs builds
// it from a validated declaration, so screening never parses text: values
// are in SDR, HS codes are normalised digits.
type Subject struct {
	ID        string // item id, for the {id} placeholder
	Stream    string // postal, express or ecommerce (the rules' streams)
	Direction string // export or import
	Category  string // gift, documents, commercial_sample, returned_goods, sale_of_goods, other
	Product   string // postal product code (postal.Product) when declared; "" otherwise
	Sender    Party
	Addressee Party
	Seller    *Party // the e-commerce seller; nil for other streams
	Lines     []Line
	ValueSDR  float64 // total declared value
	PaidSDR   float64 // what an e-commerce buyer paid; 0 when not declared
}

// Party is a sender, addressee or seller as the rules see it.
type Party struct {
	Name    string
	Company string
	Country string
}

// Line is one article as the rules see it.
type Line struct {
	Description string
	HSCode      string // normalised digits; "" when not declared
	Origin      string // country of origin; "" means the sender's country
	Quantity    int    // units; 0 when not declared
	NetWeightG  int
	ValueSDR    float64
}

// Streams and directions as the rules file names them; package customs
// declares the same words as its Stream and Direction values.
var streams = []string{"postal", "express", "ecommerce"}

const (
	dirExport = "export"
	dirImport = "import"
)
