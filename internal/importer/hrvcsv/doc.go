// Package hrvcsv reads the CSV exports of HRV apps — one row a day with a date
// and the morning rMSSD, sometimes resting HR and sleep — into check-ins
// (rebound.CheckIn with Source "csv").
//
// Shapes read:
//
//   - A header row naming the columns. The date column is the one named like
//     "date", "day", "datum" or "fecha" (else any name containing "date",
//     else "timestamp"/"time"); rMSSD is a column whose name contains
//     "rmssd" or reads "root mean square of successive differences", else one
//     named "hrv" (an app's "HRV" column is taken to be rMSSD in ms; Elite
//     HRV's 0–100 "HRV score" is not rMSSD and must be renamed first). Log
//     columns ("ln rmssd") are never used. Resting HR: "resting hr", "rhr",
//     "resting heart rate", else "hr", "heart rate", "bpm". Sleep: a name
//     containing "sleep" (not quality/score/start/end), in hours unless the
//     name says minutes or seconds; "7:30" and "7h30m" are read as durations.
//   - No header: "2026-11-01,68" — date, then rMSSD in ms; further columns
//     are ignored with a warning.
//
// The delimiter is a comma, semicolon or tab, whichever the first line uses
// most; a decimal comma ("68,5") is accepted in values.
//
// Dates, taken as the civil date written (a time or zone after it is
// ignored, so an app's local morning stays on its own day):
//
//   - ISO 8601: 2026-11-01, 2026-11-01T06:30:00Z, 2026-11-01 06:30,
//     2026/11/01, 20261101;
//   - day first with dots or dashes (European): 01.11.2026, 01-11-2026;
//   - slashes with the year last: US month first (11/01/2026) or European
//     day first (01/11/2026). The order is decided for the whole file: a
//     first number above 12 means day first, a second above 12 month first;
//     when nothing decides, month first (US) is assumed and a warning says
//     so; Options.DateOrder forces either.
//
// Every row is checked with rebound.CheckIn.Validate; a bad row is reported
// ("line 7: rMSSD 900 ms out of range (5–300)") and skipped, the good rows
// are kept. A date with several readings keeps the first (apps list the
// morning reading first) and a warning counts them.
package hrvcsv
