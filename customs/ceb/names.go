package ceb

// englishNames glosses each message type (translations of the official Chinese titles, which
// Schema.Chinese carries verbatim).
var englishNames = map[string]string{
	"CEB311": "import order",
	"CEB312": "import order receipt",
	"CEB411": "import payment voucher",
	"CEB412": "import payment voucher receipt",
	"CEB511": "import waybill",
	"CEB512": "import waybill receipt",
	"CEB513": "import waybill delivery status",
	"CEB514": "import waybill delivery status receipt",
	"CEB621": "import inventory (declaration list)",
	"CEB622": "import inventory receipt",
	"CEB623": "import inventory cancel application",
	"CEB624": "import inventory cancel receipt",
	"CEB625": "import return (refund) application",
	"CEB626": "import return (refund) receipt",
	"CEB711": "warehouse-entry detail",
	"CEB712": "warehouse-entry detail receipt",
	"CEB816": "electronic tax bill",
	"CEB303": "export order",
	"CEB304": "export order receipt",
	"CEB403": "export collection (payment received)",
	"CEB404": "export collection receipt",
	"CEB505": "export waybill",
	"CEB506": "export waybill receipt",
	"CEB507": "export arrival (goods at the supervised site)",
	"CEB508": "export arrival receipt",
	"CEB509": "export departure",
	"CEB510": "export departure receipt",
	"CEB603": "export inventory (declaration list)",
	"CEB604": "export inventory receipt",
	"CEB605": "export inventory cancel application",
	"CEB606": "export inventory cancel receipt",
	"CEB607": "export consolidation (inventories under a master bill)",
	"CEB608": "export consolidation receipt",
	"CEB701": "export summary application",
	"CEB702": "export summary application receipt",
	"CEB792": "export summary result",
}

// ReturnStatus describes a receipt's returnStatus (XSD documentation of CEB622, which lists the
// most; agreed by zhengjin-me CustomsResultStatus). Values below 0 are processing errors.
var returnStatuses = map[string]string{
	"1":   "电子口岸已暂存 (stored at the E-Port)",
	"2":   "电子口岸申报中 (being declared at the E-Port)",
	"3":   "发送海关成功 (sent to customs)",
	"4":   "发送海关失败 (sending to customs failed)",
	"100": "海关退单 (returned by customs)",
	"120": "海关入库 (entered by customs)",
	"300": "人工审核 (manual review)",
	"399": "海关审结 (customs concluded)",
	"500": "查验 (inspection)",
	"501": "扣留移送通关 (detained, passed to clearance)",
	"502": "扣留移送缉私 (detained, passed to anti-smuggling)",
	"503": "扣留移送法规 (detained, passed to legal)",
	"599": "其它扣留 (detained, other)",
	"700": "退运 (sent back)",
	"800": "放行 (released)",
	"899": "结关 (closed)",
}

// DescribeStatus says what a returnStatus means, and whether it is known.
func DescribeStatus(s string) (string, bool) {
	if d, ok := returnStatuses[s]; ok {
		return d, true
	}
	if len(s) > 1 && s[0] == '-' {
		return "处理异常 (processing error)", true
	}
	return "unknown status", false
}
