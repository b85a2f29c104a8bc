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
}

// bounds are in the order of the values CheckPoint lists.
var bounds = [...]bound{
	{"heart rate", "bpm", 20, 250},
	{"speed", "m/s", 0, 30},
	{"distance", "m", 0, 1e7},
	{"latitude", "°", -90, 90},
	{"longitude", "°", -180, 180},
	{"altitude", "m", -500, 9000},
	{"temperature", "°C", -60, 70},
	{"cadence", "spm", 0, 300},
	{"power", "W", 0, 3000},
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
	vals := [len(bounds)]float64{p.HeartRateBPM, p.SpeedMPS, p.DistanceM, p.Lat, p.Lon, p.AltitudeM, p.TemperatureC, p.CadenceSPM, p.PowerW}
	for k, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		if b := &bounds[k]; math.IsInf(v, 0) || v < b.min || v > b.max {
			return rebound.Errorf(rebound.EInvalid, "record %d: %s %s %s out of range (%s–%s %s)", i, b.name, fmtNum(v), b.unit, fmtNum(b.min), fmtNum(b.max), b.unit)
		}
	}
	return nil
}

// CheckPoints range-checks pts as CheckPoint does, pts[i] being record
// first+i, with each cadence multiplied by cadenceFactor first (the FIT
// importer's strides/min → steps/min), and returns the error of the first
// point that fails. It neither copies nor modifies pts.
func CheckPoints(pts []rebound.Point, first int, cadenceFactor float64, now time.Time) error {
	limit := now.Add(24 * time.Hour)
	for i := range pts {
		p := &pts[i]
		// A comparison with NaN is false, so NaN (missing) passes, as in
		// CheckPoint; ±Inf fails against the finite bounds.
		if p.Time.Before(earliestActivity) || p.Time.After(limit) ||
			p.HeartRateBPM < bounds[0].min || p.HeartRateBPM > bounds[0].max ||
			p.SpeedMPS < bounds[1].min || p.SpeedMPS > bounds[1].max ||
			p.DistanceM < bounds[2].min || p.DistanceM > bounds[2].max ||
			p.Lat < bounds[3].min || p.Lat > bounds[3].max ||
			p.Lon < bounds[4].min || p.Lon > bounds[4].max ||
			p.AltitudeM < bounds[5].min || p.AltitudeM > bounds[5].max ||
			p.TemperatureC < bounds[6].min || p.TemperatureC > bounds[6].max ||
			p.CadenceSPM*cadenceFactor < bounds[7].min || p.CadenceSPM*cadenceFactor > bounds[7].max ||
			p.PowerW < bounds[8].min || p.PowerW > bounds[8].max {
			q := *p
			q.CadenceSPM *= cadenceFactor
			if err := CheckPoint(first+i, q, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
