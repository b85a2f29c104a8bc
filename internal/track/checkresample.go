package track

import (
	"math"
	"time"

	"rebound"
)

// Checked is points that passed CheckPoints, read once and laid out for
// ResampleCadence: CheckForResample range-checks and places them in one
// pass, Resample turns them into streams later (the FIT importer charges
// the file's sample budget in between).
type Checked struct {
	pts    []rebound.Point
	start  time.Time
	factor float64
	// sc holds the columns and offsets of the fused pass; nil when the
	// points need the general path (not in strictly increasing time order
	// from start on, or a start with a monotonic clock reading).
	sc *scratch
}

// CheckResample is CheckPoints(pts, first, cadenceFactor, now) and, when it
// passes, ResampleCadence(pts, start, cadenceFactor): the same error or the
// same streams, bit for bit, from fewer passes over the points.
func CheckResample(pts []rebound.Point, first int, start time.Time, cadenceFactor float64, now time.Time) (*rebound.Streams, error) {
	c, err := CheckForResample(pts, first, start, cadenceFactor, now)
	if err != nil {
		return nil, err
	}
	return c.Resample(), nil
}

// CheckForResample returns CheckPoints(pts, first, cadenceFactor, now) and,
// when it is nil, what Resample needs to return ResampleCadence(pts, start,
// cadenceFactor). pts must not change until then.
//
// Points in strictly increasing time order from start on (FIT files, almost
// always) are read from memory once, a block at a time: each is
// range-checked, its offset from the start taken and its values copied
// into one column per channel. The 96-byte points are the memory traffic;
// ResampleCadence reads them once to check order, once more for the
// offsets and once per channel, and CheckPoints once more. Other points
// are checked here (by CheckPoints from the first block that is not in
// order on) and resampled by ResampleCadence itself.
func CheckForResample(pts []rebound.Point, first int, start time.Time, cadenceFactor float64, now time.Time) (*Checked, error) {
	c := &Checked{pts: pts, start: start, factor: cadenceFactor}
	if len(pts) == 0 || start != start.Round(0) || pts[0].Time.Before(start) {
		return c, CheckPoints(pts, first, cadenceFactor, now)
	}
	sc, _ := scratchPool.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	m := len(pts)
	smp := grow(&sc.smp, m)
	cols := grow(&sc.cols, numChannels*m)
	f := fused{
		start: start, su: start.Unix(), sn: int64(start.Nanosecond()),
		limit:    now.Add(24 * time.Hour),
		factor:   cadenceFactor,
		lastDist: pts[0].DistanceM,
	}
	f.es, f.en = earliestActivity.Unix(), int64(earliestActivity.Nanosecond())
	f.ls, f.ln = f.limit.Unix(), int64(f.limit.Nanosecond())
	// Blocks of points small enough to stay in the L1 cache between the
	// two loops over them, each with few enough variables to keep them in
	// registers.
	const block = 256
	for b0 := 0; b0 < m; b0 += block {
		b1 := min(b0+block, m)
		bad := f.values(pts, cols, m, b0, b1)
		late, unordered := f.times(pts, smp, b0, b1)
		if bad || late || unordered {
			// A point of the block may fail CheckPoints, or the points are
			// not in order: CheckPoints finds the first error, if any,
			// from the block on (the points before passed) and
			// ResampleCadence resamples.
			sc.release()
			if err := CheckPoints(pts[b0:], first+b0, cadenceFactor, now); err != nil {
				return nil, err
			}
			return c, nil
		}
	}
	c.sc = sc
	return c, nil
}

// fused is the state of CheckForResample's pass over the points.
type fused struct {
	start          time.Time
	su, sn         int64 // start's Unix seconds and nanoseconds
	limit          time.Time
	es, en, ls, ln int64 // earliestActivity's and limit's
	factor         float64
	// place's state, from point to point
	seg, prevSeg    int32
	prevT, lastDist float64
	ps, pn          int64 // the previous point's Unix seconds and nanoseconds
}

// values copies the values of points b0…b1−1 into their columns (m points
// a column), cadence multiplied, and tells whether one of them is out of
// CheckPoint's ranges, by CheckPoints' test.
func (f *fused) values(pts []rebound.Point, cols []float64, m, b0, b1 int) bool {
	dist, lat, lon, alt := cols[chDist*m:][:m], cols[chLat*m:][:m], cols[chLon*m:][:m], cols[chAlt*m:][:m]
	hr, temp, cad, pow, spd := cols[chHR*m:][:m], cols[chTemp*m:][:m], cols[chCad*m:][:m], cols[chPower*m:][:m], cols[chSpeed*m:][:m]
	factor := f.factor
	bad := false
	for j := b0; j < b1; j++ {
		p := &pts[j]
		cd := p.CadenceSPM * factor
		// A comparison with NaN is false, so NaN (missing) passes, as in
		// CheckPoint; ±Inf fails against the finite bounds.
		if p.HeartRateBPM < bounds[0].min || p.HeartRateBPM > bounds[0].max ||
			p.SpeedMPS < bounds[1].min || p.SpeedMPS > bounds[1].max ||
			p.DistanceM < bounds[2].min || p.DistanceM > bounds[2].max ||
			p.Lat < bounds[3].min || p.Lat > bounds[3].max ||
			p.Lon < bounds[4].min || p.Lon > bounds[4].max ||
			p.AltitudeM < bounds[5].min || p.AltitudeM > bounds[5].max ||
			p.TemperatureC < bounds[6].min || p.TemperatureC > bounds[6].max ||
			cd < bounds[7].min || cd > bounds[7].max ||
			p.PowerW < bounds[8].min || p.PowerW > bounds[8].max {
			bad = true
		}
		dist[j], lat[j], lon[j], alt[j] = p.DistanceM, p.Lat, p.Lon, p.AltitudeM
		hr[j], temp[j], cad[j], pow[j], spd[j] = p.HeartRateBPM, p.TemperatureC, cd, p.PowerW, p.SpeedMPS
	}
	return bad
}

// times places points b0…b1−1 on the grid as samples and place do, with
// the distance column as dist and without place's clamping to the grid of
// n seconds, which changes nothing unless n is capped (Resample redoes
// the placing when either guess is wrong). It tells whether a point's
// time fails CheckPoint (before 1990 or more than a day after now) and
// whether a point is not after the one before it (inOrder's test).
//
// Time.Before, After and Compare are calls; on wall clocks they compare
// Unix seconds, then nanoseconds, as times does inline. A time without a
// monotonic clock reading compares by wall clock: earliestActivity and
// start have none; a point that has one (t.UTC() strips it, and a location)
// makes times check the block again by the methods.
func (f *fused) times(pts []rebound.Point, smp []sample, b0, b1 int) (late, unordered bool) {
	smp = smp[:len(pts)]
	su, sn := f.su, f.sn
	ps, pn := f.ps, f.pn
	seg, prevSeg, prevT, lastDist := f.seg, f.prevSeg, f.prevT, f.lastDist
	for j := b0; j < b1; j++ {
		p := &pts[j]
		sec, nsec := p.Time.Unix(), int64(p.Time.Nanosecond())
		if sec < f.es || sec == f.es && nsec < f.en || sec > f.ls || sec == f.ls && nsec > f.ln {
			late = true
		}
		if j > 0 && (ps > sec || ps == sec && pn >= nsec) {
			unordered = true
		}
		ps, pn = sec, nsec
		// samples' offset, start having no monotonic clock reading.
		var off float64
		whole := false
		if ds, dn := sec-su, nsec-sn; ds > -maxDiffS && ds < maxDiffS {
			if whole = dn == 0; whole {
				off = float64(ds)
			} else {
				off = (time.Duration(ds)*time.Second + time.Duration(dn)).Seconds()
			}
		} else {
			off = p.Time.Sub(f.start).Seconds()
		}
		if j > 0 {
			gap := off - prevT
			if gap > MaxGapS {
				moving := false
				if !math.IsNaN(p.DistanceM) && !math.IsNaN(lastDist) && gap > 0 {
					moving = (p.DistanceM-lastDist)/gap >= MovingSpeedMPS
				}
				if !(moving && gap <= MaxBridgeS) {
					seg++
				}
			}
			if !math.IsNaN(p.DistanceM) {
				lastDist = p.DistanceM
			}
		}
		fl, ce, near := int(off), int(off), int(off) // ⌊off⌋ = ⌈off⌉ = round(off) for whole off
		if !whole {
			fl, ce, near = int(math.Floor(off)), int(math.Ceil(off)), int(math.Round(off))
		}
		sp := &smp[j]
		sp.t, sp.seg = off, seg
		sp.ceil, sp.hi, sp.near = int32(ce), int32(fl), int32(near)
		sp.step = j > 0 && off == prevT+1 && fl == ce && prevSeg == seg
		prevT, prevSeg = off, seg
	}
	f.ps, f.pn = ps, pn
	f.seg, f.prevSeg, f.prevT, f.lastDist = seg, prevSeg, prevT, lastDist
	if !plain(pts[b0:b1]) {
		late, unordered = false, false
		for j := b0; j < b1; j++ {
			t := pts[j].Time
			late = late || t.Before(earliestActivity) || t.After(f.limit)
			unordered = unordered || j > 0 && pts[j-1].Time.Compare(t) >= 0
		}
	}
	return late, unordered
}

// Resample returns ResampleCadence(pts, start, cadenceFactor) of the
// CheckForResample that returned c. The work CheckForResample did serves
// the first call; a second one calls ResampleCadence.
func (c *Checked) Resample() *rebound.Streams {
	if c.sc == nil {
		return ResampleCadence(c.pts, c.start, c.factor)
	}
	sc, pts := c.sc, c.pts
	c.sc = nil
	defer sc.release()
	s := &rebound.Streams{}
	last := pts[len(pts)-1].Time.Sub(c.start).Seconds()
	n := int(math.Floor(last)) + 1
	if n > maxSamples {
		n = maxSamples
	}
	m := len(pts)
	col := func(ch int) []float64 { return sc.cols[ch*m:][:m] }
	smp := sc.smp[:m]
	// CheckForResample placed the samples with the distance column as
	// dist and no clamping: right unless distance comes from the
	// positions or n is capped. Without a finite value in either column
	// dist is nil, which place treats as it treats a column of NaN. place
	// reads step as "t is whole": a step's t is whole, and false is right
	// for any t.
	dist, again := col(chDist), n == maxSamples
	if !anyFinite(dist) {
		dist = positionDistanceOf(grow(&sc.dist, m), col(chLat), col(chLon))
		again = again || dist != nil
	}
	if again {
		place(smp, n, dist)
	} else {
		setRuns(smp)
	}
	var present [numChannels]bool
	for ch := range numChannels {
		if ch == chDist {
			present[ch] = anyFinite(dist)
		} else {
			present[ch] = anyFinite(col(ch))
		}
	}
	// Every value passed CheckPoint: finite ones are within its bounds,
	// far below 2¹⁰²², and positionDistance sums at most m half
	// circumferences of the Earth, so no difference overflows.
	fillStreams(s, sc, n, smp, dist, &present, true, col)
	return s
}

// positionDistanceOf is positionDistance on the latitude and longitude
// columns of the points.
func positionDistanceOf(out, lat, lon []float64) []float64 {
	out = out[:len(lat)]
	lon = lon[:len(lat)]
	total := 0.0
	prev := -1
	any := false
	for i := range lat {
		if math.IsNaN(lat[i]) || math.IsNaN(lon[i]) {
			out[i] = math.NaN()
			continue
		}
		if prev >= 0 {
			total += HaversineM(lat[prev], lon[prev], lat[i], lon[i])
		}
		out[i] = total
		prev = i
		any = true
	}
	if !any {
		return nil
	}
	return out
}

// plain tells whether no time of pts has a monotonic clock reading or a
// location other than UTC: t.UTC() strips both.
func plain(pts []rebound.Point) bool {
	for i := range pts {
		if t := pts[i].Time; t != t.UTC() {
			return false
		}
	}
	return true
}
