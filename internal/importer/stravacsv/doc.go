// Package stravacsv reads the activities.csv of a Strava bulk export: the
// name, type, description, gear and perceived exertion the runner gave each
// activity, keyed by the activity file's path inside the export.
//
// Strava localises the header to the account language and changes the column
// count between exports (94, 99, 101 columns), and repeats some names
// ("Distance" in km, then in metres). So columns are found by name where the
// name is known and by position for the first 13 columns, which have been
// stable in every export seen (ECOSYSTEM.md §1).
package stravacsv
