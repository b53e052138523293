package awsproto

// Tag is a Key/Value tag as templates and the query APIs spell it.
type Tag struct {
	Key   string `json:"Key" xml:"Key"`
	Value string `json:"Value" xml:"Value"`
}
