package synth

import (
	"fmt"
	"strings"
)

// Every name here is invented. Ids are pure functions of an item's index, so
// a reference to any item can be written without remembering the item.

var syllables = []string{
	"ka", "ro", "vel", "mar", "tan", "sor", "lin", "bar", "des", "qua", "zen", "dor",
	"ash", "mir", "tol", "ven", "gal", "rin", "sab", "hol", "ter", "nov", "kal", "ost",
}

var countryEndings = []string{"ia", "istan", "ova", "land", "ara", "eth", "una", "or"}

// maxCountries is how many distinct country names the syllables make.
var maxCountries = len(syllables) * len(syllables) * len(countryEndings)

func countryName(x int) string {
	x = (x*7919 + 11) % maxCountries // a bijection (7919 is prime to 4608) that spreads neighbours apart
	n := len(syllables)
	s := syllables[x%n] + syllables[(x/n)%n] + countryEndings[(x/(n*n))%len(countryEndings)]
	return strings.ToUpper(s[:1]) + s[1:]
}

func countrySlug(x int) string { return strings.ToLower(countryName(x)) }

func countryID(x int) string { return "country/" + countrySlug(x) }

// Government organizations: four per country.
const (
	govMinistry = iota
	govArmy
	govNavy
	govAirForce
	govPerCountry
)

var govRoles = [govPerCountry]struct{ slug, name, typ string }{
	{"ministry-of-defence", "Ministry of Defence", "ministry"},
	{"army", "Army", "army"},
	{"navy", "Navy", "navy"},
	{"air-force", "Air Force", "air-force"},
}

func govOrgID(x, role int) string {
	return "organization/" + countrySlug(x) + "-" + govRoles[role].slug
}

const unscID = "organization/synthetic-security-council"

var companyWords = []string{"Aerospace", "Dynamics", "Shipyards", "Ordnance", "Electronics", "Industries", "Missile Works", "Arsenal", "Systems", "Machine Works"}

func companyName(j int) string {
	r := stream(0, "company-name", j) // names do not depend on the seed: they are labels only
	a := syllables[r.intn(len(syllables))] + syllables[r.intn(len(syllables))]
	return fmt.Sprintf("%s%s %s", strings.ToUpper(a[:1]), a[1:], companyWords[r.intn(len(companyWords))])
}

func companyID(j int) string {
	return fmt.Sprintf("organization/%s-%d", slug(companyName(j)), j+1)
}

var firstNames = []string{
	"Arman", "Bahar", "Cyrus", "Daria", "Emil", "Farah", "Goran", "Hana", "Idris", "Jalen",
	"Kira", "Lev", "Mina", "Nadir", "Oksana", "Pavel", "Rana", "Sami", "Tahir", "Una",
	"Viktor", "Wen", "Yara", "Zoran", "Ilya", "Leila", "Marek", "Nia", "Omid", "Sasha",
}

var lastNames = []string{
	"Kavosh", "Lindqvist", "Moravec", "Nasseri", "Orlov", "Petrak", "Qasemi", "Rostami", "Sorensen", "Tervo",
	"Ulmanis", "Vasquez", "Wojcik", "Xander", "Yilmaz", "Zamani", "Abend", "Brandt", "Castel", "Dragan",
	"Esfahani", "Falk", "Grieve", "Hadid", "Ivanek", "Jovic", "Kessler", "Lazar", "Molnar", "Novak",
}

func personName(p int) (first, last string) {
	r := stream(0, "person-name", p)
	return firstNames[r.intn(len(firstNames))], lastNames[r.intn(len(lastNames))]
}

func personID(p int) string {
	f, l := personName(p)
	return fmt.Sprintf("person/%s-%s-%d", slug(f), slug(l), p+1)
}

// Weapon designations: a letter code and the weapon's number, e.g. "KZ-1042".
var designators = []string{
	"KZ", "TRV", "SX", "HM", "DV", "RK", "BL", "ZT", "QN", "VH", "MR", "ST", "FT", "GX", "NK", "PL",
	"AX", "CV", "EJ", "JW", "LT", "OM", "UR", "YD",
}

var altDesignators = []string{"Type", "Project", "Model", "Object"}

func weaponCode(i int) string {
	r := stream(0, "weapon-code", i)
	return designators[r.intn(len(designators))]
}

func weaponName(i int) string { return fmt.Sprintf("%s-%d", weaponCode(i), i+1) }

func weaponID(i int) string { return "weapon/" + slug(weaponName(i)) }

func transferID(t, supplier, recipient int) string {
	return fmt.Sprintf("transfer/%s-%s-%d", countrySlug(supplier), countrySlug(recipient), t+1)
}

var eventTypes = []string{"visit", "meeting", "exercise", "port-call", "test", "talks", "exhibition"}

func agreementID(a int) string { return fmt.Sprintf("agreement/synthetic-agreement-%d", a+1) }

func eventID(e int, typ string) string { return fmt.Sprintf("event/synthetic-%s-%d", typ, e+1) }

func resolutionID(k int) string { return fmt.Sprintf("resolution/synthetic-resolution-%d", k+1) }

// slug lower-cases a name and joins its words with single dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
