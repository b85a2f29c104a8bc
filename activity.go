package rebound

import (
	"math"
	"time"
)

// Sports Rebound distinguishes. Anything else is kept by its FIT/TCX/GPX name
// lower-cased, so no information is lost.
const (
	SportRunning  = "running"
	SportCycling  = "cycling"
	SportSwimming = "swimming"
	SportWalking  = "walking"
	SportHiking   = "hiking"
	SportOther    = "other"
)

// Where an activity's summary came from.
const (
	SummaryFromFile    = "file"    // the file's own session totals (FIT session, TCX laps)
	SummaryFromStreams = "streams" // computed by Rebound from the samples
	SummaryFromManual  = "manual"  // entered with rebound log
)

// Where an activity's local UTC offset came from.
const (
	OffsetFromFile    = "file"    // FIT activity.local_timestamp, or a time zone in the file's timestamps
	OffsetFromAthlete = "athlete" // the athlete's time zone at the start time
)

// Activity is one workout: a FIT session, a GPX track, a TCX activity or a
// manual entry. All quantities are SI. Optional measurements are pointers and
// nil when the source has no such data (0 °C and 0 m ascent are real values).
type Activity struct {
	ID        int64
	AthleteID int64

	Sport    string // SportRunning, ...
	SubSport string // e.g. "trail", "track", "treadmill", "" when generic
	Name     string
	Notes    string // description from the file, Strava CSV or rebound log
	Gear     string

	StartTime    time.Time // UTC
	UTCOffsetS   int       // local offset at the start, seconds east of UTC
	OffsetSource string    // OffsetFromFile or OffsetFromAthlete

	ElapsedS  float64 // start to end, pauses included
	MovingS   float64 // timer/moving time, pauses excluded
	DistanceM float64

	AscentM  *float64
	DescentM *float64

	AvgHeartRateBPM *float64
	MaxHeartRateBPM *float64
	AvgSpeedMPS     float64 // DistanceM / MovingS
	MaxSpeedMPS     *float64

	AvgTemperatureC *float64
	MinTemperatureC *float64
	MaxTemperatureC *float64

	AvgCadenceSPM *float64 // steps per minute (both feet)
	AvgPowerW     *float64
	Calories      *float64 // kcal

	Device string // e.g. "garmin fenix6"

	SourceFile    string // base name of the file the activity came from ("" for manual)
	SourceSHA256  string // hex SHA-256 of the file's bytes (decompressed outer gzip excluded: the bytes as found)
	SourceFormat  string // "fit", "gpx", "tcx", "manual"
	SessionIndex  int    // which session of a multisport FIT file (0 otherwise)
	SummarySource string // SummaryFromFile, SummaryFromStreams or SummaryFromManual

	RPE         *int     // session RPE, CR-10 scale (Foster 2001), when the runner gave one
	Kind        string   // the runner's own label: easy, long, workout, race ("" = let Rebound decide)
	ManualTempC *float64 // air temperature entered with rebound log --temp

	Laps    []Lap
	Streams *Streams // nil when not loaded or not recorded (manual entries)
}

// EndTime is when the activity ended: start plus elapsed time.
func (a *Activity) EndTime() time.Time {
	return a.StartTime.Add(time.Duration(a.ElapsedS * float64(time.Second)))
}

// LocalStart is the start time at the activity's own UTC offset.
func (a *Activity) LocalStart() time.Time {
	return a.StartTime.In(time.FixedZone("", a.UTCOffsetS))
}

// PaceSPerKm is moving time per kilometre, or 0 without distance.
func (a *Activity) PaceSPerKm() float64 {
	if a.DistanceM <= 0 || a.MovingS <= 0 {
		return 0
	}
	return a.MovingS / (a.DistanceM / 1000)
}

// Lap is one lap (FIT lap message, TCX Lap, or a GPX segment).
type Lap struct {
	Index           int
	StartTime       time.Time // UTC
	ElapsedS        float64
	MovingS         float64
	DistanceM       float64
	AvgHeartRateBPM *float64
	MaxHeartRateBPM *float64
	AvgSpeedMPS     float64
	AvgCadenceSPM   *float64
}

// Streams are an activity's samples resampled to a 1 s grid: sample i is at
// StartTime + i seconds. A channel the source lacks is nil; inside a channel,
// a missing value (a pause, a dropout) is NaN. Every non-nil channel has the
// same length.
type Streams struct {
	DistanceM    []float64 // cumulative
	SpeedMPS     []float64
	HeartRateBPM []float64
	AltitudeM    []float64
	Lat          []float64 // degrees WGS84
	Lon          []float64
	TemperatureC []float64
	CadenceSPM   []float64 // steps per minute
	PowerW       []float64
}

// Len is the number of 1 s samples.
func (s *Streams) Len() int {
	if s == nil {
		return 0
	}
	for _, c := range s.Channels() {
		if *c.Values != nil {
			return len(*c.Values)
		}
	}
	return 0
}

// Channel names a stream channel; Values points at the slice inside Streams so
// codecs can fill it.
type Channel struct {
	Name   string
	Values *[]float64
}

// Channels lists the channels in a fixed order (the storage order).
func (s *Streams) Channels() []Channel {
	return []Channel{
		{"distance_m", &s.DistanceM},
		{"speed_mps", &s.SpeedMPS},
		{"heart_rate_bpm", &s.HeartRateBPM},
		{"altitude_m", &s.AltitudeM},
		{"lat", &s.Lat},
		{"lon", &s.Lon},
		{"temperature_c", &s.TemperatureC},
		{"cadence_spm", &s.CadenceSPM},
		{"power_w", &s.PowerW},
	}
}

// Point is one raw sample as a file gives it, before resampling. Absent
// values are NaN.
type Point struct {
	Time         time.Time
	Lat, Lon     float64 // degrees
	AltitudeM    float64
	DistanceM    float64 // cumulative, when the device recorded it
	SpeedMPS     float64
	HeartRateBPM float64
	CadenceSPM   float64 // steps per minute
	TemperatureC float64
	PowerW       float64
}

// NaN is the missing-value marker used in Point and Streams.
var nan = math.NaN()

// NewPoint returns a Point at t with every value missing.
func NewPoint(t time.Time) Point {
	return Point{Time: t, Lat: nan, Lon: nan, AltitudeM: nan, DistanceM: nan, SpeedMPS: nan,
		HeartRateBPM: nan, CadenceSPM: nan, TemperatureC: nan, PowerW: nan}
}

// Float returns a pointer to v, for optional fields.
func Float(v float64) *float64 { return &v }
