package track

import (
	"math"
	"strconv"
	"time"

	"rebound"
)

// Plausible ranges for raw samples. They are wide on purpose: they reject
// impossible values (a unit mix-up, a corrupt field), not unusual efforts.
// Rebound's choice; the HR ceiling matches the 250 bpm limit of rebound log.
var earliestActivity = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) // before FIT and consumer GPS; catches the 1989-12-31 FIT epoch placeholder

type bound struct {
	name     string
	unit     string
	min, max float64
	get      func(*rebound.Point) float64
}

var bounds = [...]bound{
	{"heart rate", "bpm", 20, 250, func(p *rebound.Point) float64 { return p.HeartRateBPM }},
	{"speed", "m/s", 0, 30, func(p *rebound.Point) float64 { return p.SpeedMPS }},
	{"distance", "m", 0, 1e7, func(p *rebound.Point) float64 { return p.DistanceM }},
	{"latitude", "°", -90, 90, func(p *rebound.Point) float64 { return p.Lat }},
	{"longitude", "°", -180, 180, func(p *rebound.Point) float64 { return p.Lon }},
	{"altitude", "m", -500, 9000, func(p *rebound.Point) float64 { return p.AltitudeM }},
	{"temperature", "°C", -60, 70, func(p *rebound.Point) float64 { return p.TemperatureC }},
	{"cadence", "spm", 0, 300, func(p *rebound.Point) float64 { return p.CadenceSPM }},
	{"power", "W", 0, 3000, func(p *rebound.Point) float64 { return p.PowerW }},
}

// CheckPoint range-checks raw point i and returns an EInvalid *rebound.Error
// naming the field, the value and the allowed range. NaN values are missing
// and pass. now bounds the time: a sample more than a day in the future is
// impossible.
func CheckPoint(i int, p rebound.Point, now time.Time) error {
	if p.Time.Before(earliestActivity) {
		return rebound.Errorf(rebound.EInvalid, "record %d: time %s is before 1990 (a placeholder date, not a recording)", i, p.Time.UTC().Format(time.RFC3339))
	}
	if p.Time.After(now.Add(24 * time.Hour)) {
		return rebound.Errorf(rebound.EInvalid, "record %d: time %s is in the future", i, p.Time.UTC().Format(time.RFC3339))
	}
	for k := range bounds {
		b := &bounds[k]
		v := b.get(&p)
		if math.IsNaN(v) {
			continue
		}
		if math.IsInf(v, 0) || v < b.min || v > b.max {
			return rebound.Errorf(rebound.EInvalid, "record %d: %s %s %s out of range (%s–%s %s)", i, b.name, fmtNum(v), b.unit, fmtNum(b.min), fmtNum(b.max), b.unit)
		}
	}
	return nil
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
