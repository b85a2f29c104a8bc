package fit

import (
	"strconv"
	"strings"

	"github.com/muktihari/fit/profile/typedef"

	"rebound"
)

// profileName returns the FIT profile name muktihari/fit generates, or
// prefix_<n> for a value the profile does not know (its String methods then
// return e.g. "SportInvalid(69)"); a sport added after profile 21.188 thus
// keeps its number instead of being lost.
func profileName(name, prefix string, n int) string {
	if strings.Contains(name, "Invalid(") {
		return prefix + "_" + strconv.Itoa(n)
	}
	return name
}

// fileTypeName is the FIT name of a file_id.type ("settings", "course", ...).
func fileTypeName(t int) string {
	if t < 0 || t > 0xFF {
		return "unknown"
	}
	return profileName(typedef.File(t).String(), "type", t)
}

// sportName maps a FIT sport to Rebound's sport: the lower-case FIT name
// (running, cycling, swimming, walking, hiking are rebound.Sport* verbatim),
// rebound.SportOther for "generic" or a missing sport.
func sportName(v float64) string {
	if v != v || v < 0 || v >= 0xFF { // NaN or invalid
		return rebound.SportOther
	}
	n := int(v)
	if typedef.Sport(n) == typedef.SportGeneric {
		return rebound.SportOther
	}
	return profileName(typedef.Sport(n).String(), "sport", n)
}

// subSportName is the lower-case FIT sub_sport name, "" for "generic" or a
// missing one.
func subSportName(v float64) string {
	if v != v || v < 0 || v >= 0xFF {
		return ""
	}
	n := int(v)
	if typedef.SubSport(n) == typedef.SubSportGeneric {
		return ""
	}
	return profileName(typedef.SubSport(n).String(), "sub_sport", n)
}

// stridesToSteps tells whether a sport's FIT cadence counts strides (one
// foot) per minute, so that steps per minute are twice it. Garmin records
// running cadence as strides/min plus fractional_cadence/128 and displays
// 2×(cadence+fractional) as steps/min (ECOSYSTEM.md §3; GoldenCheetah #2060).
// Walking and hiking use the same foot-pod/wrist cadence. Every other sport
// keeps the FIT value: cycling cadence is crank rpm, swimming strokes/min.
func stridesToSteps(sport string) bool {
	switch sport {
	case rebound.SportRunning, rebound.SportWalking, rebound.SportHiking:
		return true
	}
	return false
}

// deviceName is "manufacturer product", lower-case ("garmin fenix6"). The
// product is the file's own product_name when given, else the FIT profile's
// Garmin product name for Garmin (and Dynastream, which uses Garmin product
// numbers), else the product number.
func deviceName(v *values, productName string) string {
	if !v.has(fidManufacturer) {
		return strings.ToLower(strings.TrimSpace(productName))
	}
	m := int(v[fidManufacturer])
	name := profileName(typedef.Manufacturer(m).String(), "manufacturer", m)
	product := strings.TrimSpace(productName)
	if product == "" && v.has(fidProduct) && v[fidProduct] != 0 { // 0: Zwift, some Suunto: no product
		p := int(v[fidProduct])
		switch typedef.Manufacturer(m) {
		case typedef.ManufacturerGarmin, typedef.ManufacturerDynastream, typedef.ManufacturerDynastreamOem:
			product = profileName(typedef.GarminProduct(p).String(), "product", p)
		default:
			product = strconv.Itoa(p)
		}
	}
	if product == "" {
		return name
	}
	return strings.ToLower(name + " " + product)
}
