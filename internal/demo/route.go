package demo

import "math"

// RouteShape is the geometry a scripted run follows.
type RouteShape int

// Route shapes.
const (
	// RouteLoop is a stadium-shaped loop run counter-clockwise; its preset is
	// roughly Central Park's 6-mile drive from Engineers' Gate, with gentle
	// hills.
	RouteLoop RouteShape = iota
	// RouteTrack is a flat 400 m track; its preset is Icahn Stadium on
	// Randalls Island.
	RouteTrack
	// RouteOutAndBack runs out along a straight line and back; its preset is
	// the Hudson River Greenway from West 72nd Street, nearly flat.
	RouteOutAndBack
	// RouteIndoor has no positions and no altitude (a treadmill).
	RouteIndoor
)

// Route is where a scripted run goes. A zero LengthM selects the shape's
// preset and ignores the other fields, so Route{} is the Central Park loop.
type Route struct {
	Shape      RouteShape
	LengthM    float64 // loop perimeter, or the out-and-back turnaround distance
	WidthM     float64 // loop: distance between the two straights
	BearingDeg float64 // direction of the first straight or the outbound leg, clockwise from north
	HillM      float64 // amplitude of the rolling terrain (0 = flat)
	BaseAltM   float64 // altitude at the start, metres above sea level
	// Lat0, Lon0 is the start point (degrees); with a preset they are
	// taken from the preset.
	Lat0, Lon0 float64
}

// preset fills a zero-length route from its shape's preset. The places are
// approximate; what matters is that a run has a plausible track and gentle,
// repeatable hills (Central Park's drive climbs some 30 m at Harlem Hill;
// Rebound's approximation, not surveyed data).
func (r Route) preset() Route {
	if r.LengthM > 0 {
		return r
	}
	switch r.Shape {
	case RouteTrack:
		// 400 m in lane 1: two 84.39 m straights and bends of 36.80 m radius
		// measured 0.30 m from the kerb (IAAF standard track).
		return Route{Shape: RouteTrack, LengthM: 400, WidthM: 73.6, BearingDeg: 20, BaseAltM: 4,
			Lat0: 40.79540, Lon0: -73.92410}
	case RouteOutAndBack:
		return Route{Shape: RouteOutAndBack, LengthM: 8000, BearingDeg: 31, HillM: 2, BaseAltM: 6,
			Lat0: 40.78020, Lon0: -73.98880}
	case RouteIndoor:
		return Route{Shape: RouteIndoor, LengthM: 1}
	default:
		// Central Park's drive is 6.03 mi (9.7 km) around; the park is about
		// 800 m wide and its axis runs 29° east of north (the Manhattan grid).
		return Route{Shape: RouteLoop, LengthM: 9700, WidthM: 600, BearingDeg: 29, HillM: 9, BaseAltM: 30,
			Lat0: 40.78470, Lon0: -73.95800}
	}
}

// earthRadiusM is the mean Earth radius (IUGG), used for the small-scale
// local-to-geographic conversion.
const earthRadiusM = 6371008.8

// local returns the position s metres along the route in metres east and
// north of the start.
func (r Route) local(s float64) (east, north float64) {
	var x, y float64 // before rotation: start at (0, 0), heading north
	switch r.Shape {
	case RouteOutAndBack:
		p := math.Mod(s, 2*r.LengthM)
		if p > r.LengthM {
			p = 2*r.LengthM - p
		}
		y = p
	case RouteLoop, RouteTrack:
		rad := r.WidthM / 2
		straight := (r.LengthM - math.Pi*r.WidthM) / 2
		if straight < 0 {
			straight, rad = 0, r.LengthM/(2*math.Pi)
		}
		p := math.Mod(s, r.LengthM)
		h := straight / 2
		arc := math.Pi * rad
		switch {
		case p < h: // first half of the east straight, heading north
			x, y = rad, p
		case p < h+arc: // top bend, turning left
			th := (p - h) / rad
			x, y = rad*math.Cos(th), h+rad*math.Sin(th)
		case p < h+arc+straight: // west straight, heading south
			x, y = -rad, h-(p-h-arc)
		case p < h+2*arc+straight: // bottom bend
			th := math.Pi + (p-h-arc-straight)/rad
			x, y = rad*math.Cos(th), -h+rad*math.Sin(th)
		default: // back up the east straight to the start
			x, y = rad, -h+(p-h-2*arc-straight)
		}
		x -= rad
	default:
		return 0, 0
	}
	b := r.BearingDeg * math.Pi / 180
	return x*math.Cos(b) + y*math.Sin(b), -x*math.Sin(b) + y*math.Cos(b)
}

// latLon converts metres east and north of the start to degrees
// (equirectangular; exact enough over a few kilometres).
func (r Route) latLon(east, north float64) (lat, lon float64) {
	lat = r.Lat0 + north/earthRadiusM*180/math.Pi
	lon = r.Lon0 + east/(earthRadiusM*math.Cos(r.Lat0*math.Pi/180))*180/math.Pi
	return lat, lon
}

// terrain is the altitude s metres along the route. Loops use harmonics of
// the perimeter so every lap has the same hills; out-and-back routes use the
// distance from the start so the way back retraces the way out.
func (r Route) terrain(s float64) float64 {
	if r.HillM == 0 {
		return r.BaseAltM
	}
	switch r.Shape {
	case RouteOutAndBack:
		p := math.Mod(s, 2*r.LengthM)
		if p > r.LengthM {
			p = 2*r.LengthM - p
		}
		return r.BaseAltM + r.HillM*math.Sin(2*math.Pi*p/2500)
	case RouteLoop, RouteTrack:
		u := 2 * math.Pi * s / r.LengthM
		return r.BaseAltM + r.HillM*(math.Sin(u)+0.4*math.Sin(2*u+1.3)+0.2*math.Sin(3*u+0.4))/1.6
	}
	return r.BaseAltM
}

// grade is the terrain's slope (rise over run) s metres along the route.
func (r Route) grade(s float64) float64 {
	return (r.terrain(s+1) - r.terrain(s-1)) / 2
}

// minettiCost is the energy cost of running at grade i (fraction), J/kg/m:
// Cr(i) = 155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6 (Minetti 2002,
// J Appl Physiol 93:1039–1046; science.md §5). The fit holds for −0.45 ≤ i ≤
// 0.45; grades are clamped to that range.
func minettiCost(i float64) float64 {
	i = math.Max(-0.45, math.Min(0.45, i))
	return ((((155.4*i-30.4)*i-43.3)*i+46.3)*i+19.5)*i + 3.6
}
