package docgen

import (
	"strings"

	"github.com/apierr/apierr"
)

// uiText is the wording of the pages around the catalog's own words: the
// headings, labels and sentences docgen writes itself. The catalog's text
// (name, description, titles, messages, docs sections) comes translated from
// the catalog (apierr.Catalog.Localized); this is the rest. Languages
// without wording here get the English, so a page in any language the
// catalog speaks is complete. The English must stay as it is: single-language
// catalogs' pages are compared byte for byte with golden files.
type uiText struct {
	Errors     string // the page's title and heading, "%s errors" with the API's name
	LinkTo     string // an anchor's label, "Link to %s" with the code
	Contents   string
	Language   string // the heading of the language switcher
	Languages  string // its accessible label
	ErrorBody  string
	Statuses   string
	Codes      string
	Builtins   string
	AllCodes   string
	Member     string
	Type       string
	Desc       string
	Status     string
	Meaning    string
	Key        string
	ContextKey string // the Markdown context table's first column
	Any        string // the type of a context key without one
	HTTPStatus string
	Action     string
	Retryable  string
	Yes, No    string
	Condition  string
	When       string
	Cause      string
	Next       string
	Context    string
	Example    string // "Example body", before the content type
	Permalink  string // "Permalink:", before the URL

	// The body sentence, in pieces around the code spans:
	// BodyIs <ct> BodySent [BodyRID <header> BodyRIDEnd] "." [Send <accept> ToGet (Problem|ThatFormat) Instead] MatchCode
	BodyIs, BodySent, BodyRID, BodyRIDEnd string
	Send, ToGet, Problem, ThatFormat      string
	Instead, MatchCode                    string
	// OwnFormat <format> OwnFormatEnd: a body whose members are not known.
	OwnFormat, OwnFormatEnd string
	BuiltinsIntro           string
	AllErrors               string // Markdown permalink pages' last line: "All %s errors: %s"
	ExampleMD               string // Markdown: "Example body (`%s`):"
	// The per-endpoint section: its heading, the code table's title column,
	// the operationId label and the line of an endpoint without errors.
	ByEndpoint, CodeCol, CodeTitle, OperationID, NoErrors string

	// llms.txt
	LLMsErrorsAre, LLMsHeader, LLMsMembers, LLMsOwn string
	LLMsReference, LLMsReferenceDesc, LLMsOptional  string
	LLMsAction, LLMsRetryable, LLMsNotRetryable     string
}

var uiEnglish = &uiText{
	ByEndpoint: "Errors by endpoint", CodeCol: "Code", CodeTitle: "Title", OperationID: "operationId", NoErrors: "No error is declared for this endpoint.",
	Errors: "%s errors", LinkTo: "Link to %s", Contents: "Contents", Language: "Language", Languages: "Languages",
	ErrorBody: "Error body", Statuses: "Status codes", Codes: "Codes", Builtins: "Built-in errors", AllCodes: "All codes",
	Member: "Member", Type: "Type", Desc: "Description", Status: "Status", Meaning: "Meaning", Key: "Key",
	ContextKey: "Context key", Any: "any", HTTPStatus: "HTTP status", Action: "Action", Retryable: "Retryable",
	Yes: "yes", No: "no", Condition: "Condition", When: "When it fires", Cause: "What caused it", Next: "Next step",
	Context: "Context", Example: "Example body", Permalink: "Permalink:",
	BodyIs: "Every error body is ", BodySent: ", sent with the HTTP status of its code",
	BodyRID: " and the request ID in the ", BodyRIDEnd: " header",
	Send: " Send ", ToGet: " to get ", Problem: "RFC 9457 problem details", ThatFormat: "that format",
	Instead: " instead.", MatchCode: " Match on the code, never on the message.",
	OwnFormat:     "The body is the API's own format ",
	OwnFormatEnd:  ", whose members this reference does not describe; the example bodies below are not in that shape.",
	BuiltinsIntro: "The catalog binds no code of its own to these conditions, so apierr's defaults answer them.",
	AllErrors:     "All %s errors: %s", ExampleMD: "Example body (`%s`):",
	LLMsErrorsAre: "Errors are `%s` bodies. Match on the code; retry only codes marked retryable, with backoff, honouring Retry-After; log the request ID",
	LLMsHeader:    " (header `%s`)", LLMsMembers: "Body members: ",
	LLMsOwn:       "the API's own format `%s`, not described here",
	LLMsReference: "Reference", LLMsReferenceDesc: "[%s error reference](%s): every code with its example body and a status summary",
	LLMsOptional: "Optional", LLMsAction: "; action %s", LLMsRetryable: "; retryable", LLMsNotRetryable: "; not retryable",
}

var uiGerman = &uiText{
	ByEndpoint: "Fehler je Endpunkt", CodeCol: "Code", CodeTitle: "Titel", OperationID: "operationId", NoErrors: "Für diesen Endpunkt ist kein Fehler deklariert.",
	Errors: "%s – Fehlerreferenz", LinkTo: "Link zu %s", Contents: "Inhalt", Language: "Sprache", Languages: "Sprachen",
	ErrorBody: "Fehler-Body", Statuses: "Statuscodes", Codes: "Codes", Builtins: "Eingebaute Fehler", AllCodes: "Alle Codes",
	Member: "Feld", Type: "Typ", Desc: "Beschreibung", Status: "Status", Meaning: "Bedeutung", Key: "Schlüssel",
	ContextKey: "Kontext-Schlüssel", Any: "beliebig", HTTPStatus: "HTTP-Status", Action: "Aktion", Retryable: "Wiederholbar",
	Yes: "ja", No: "nein", Condition: "Bedingung", When: "Wann er auftritt", Cause: "Ursache", Next: "Nächster Schritt",
	Context: "Kontext", Example: "Beispiel-Body", Permalink: "Permalink:",
	BodyIs: "Jeder Fehler-Body ist ", BodySent: " und kommt mit dem HTTP-Status seines Codes",
	BodyRID: ", die Request-ID steht im Header ", BodyRIDEnd: "",
	Send: " Senden Sie ", ToGet: ", um stattdessen ", Problem: "RFC-9457-Problem-Details", ThatFormat: "dieses Format",
	Instead: " zu erhalten.", MatchCode: " Werten Sie den Code aus, nie die Meldung.",
	OwnFormat:     "Der Body ist das eigene Format der API, ",
	OwnFormatEnd:  "; diese Referenz beschreibt seine Felder nicht, und die Beispiel-Bodys unten haben nicht seine Form.",
	BuiltinsIntro: "Der Katalog bindet an diese Bedingungen keinen eigenen Code, daher antworten die Vorgaben von apierr.",
	AllErrors:     "Alle Fehler der %s: %s", ExampleMD: "Beispiel-Body (`%s`):",
	LLMsErrorsAre: "Fehler sind `%s`-Bodys. Werten Sie den Code aus; wiederholen Sie nur Codes, die als wiederholbar markiert sind, mit Backoff und unter Beachtung von Retry-After; protokollieren Sie die Request-ID",
	LLMsHeader:    " (Header `%s`)", LLMsMembers: "Felder des Bodys: ",
	LLMsOwn:       "das eigene Format der API, `%s`, hier nicht beschrieben",
	LLMsReference: "Referenz", LLMsReferenceDesc: "[Fehlerreferenz der %s](%s): jeder Code mit seinem Beispiel-Body und eine Übersicht der Statuscodes",
	LLMsOptional: "Optional", LLMsAction: "; Aktion %s", LLMsRetryable: "; wiederholbar", LLMsNotRetryable: "; nicht wiederholbar",
}

var uiFrench = &uiText{
	ByEndpoint: "Erreurs par point d’accès", CodeCol: "Code", CodeTitle: "Titre", OperationID: "operationId", NoErrors: "Aucune erreur n’est déclarée pour ce point d’accès.",
	Errors: "%s — référence des erreurs", LinkTo: "Lien vers %s", Contents: "Sommaire", Language: "Langue", Languages: "Langues",
	ErrorBody: "Corps d’erreur", Statuses: "Codes de statut", Codes: "Codes", Builtins: "Erreurs intégrées", AllCodes: "Tous les codes",
	Member: "Membre", Type: "Type", Desc: "Description", Status: "Statut", Meaning: "Signification", Key: "Clé",
	ContextKey: "Clé de contexte", Any: "quelconque", HTTPStatus: "Statut HTTP", Action: "Action", Retryable: "Réessayable",
	Yes: "oui", No: "non", Condition: "Condition", When: "Quand elle survient", Cause: "Cause", Next: "Étape suivante",
	Context: "Contexte", Example: "Exemple de corps", Permalink: "Lien permanent\u00a0:",
	BodyIs: "Chaque corps d’erreur est au format ", BodySent: ", envoyé avec le statut HTTP de son code",
	BodyRID: ", et l’identifiant de requête figure dans l’en-tête ", BodyRIDEnd: "",
	Send: " Envoyez ", ToGet: " pour obtenir ", Problem: "des détails de problème RFC 9457", ThatFormat: "ce format",
	Instead: " à la place.", MatchCode: " Fiez-vous au code, jamais au message.",
	OwnFormat:     "Le corps suit le format propre à l’API, ",
	OwnFormatEnd:  ", dont cette référence ne décrit pas les membres\u00a0; les exemples de corps ci-dessous n’ont pas cette forme.",
	BuiltinsIntro: "Le catalogue n’associe aucun code propre à ces conditions\u00a0; ce sont donc les valeurs par défaut d’apierr qui y répondent.",
	AllErrors:     "Toutes les erreurs (%s)\u00a0: %s", ExampleMD: "Exemple de corps (`%s`)\u00a0:",
	LLMsErrorsAre: "Les erreurs sont des corps `%s`. Fiez-vous au code\u00a0; ne réessayez que les codes marqués réessayables, avec un délai croissant et en respectant Retry-After\u00a0; journalisez l’identifiant de requête",
	LLMsHeader:    " (en-tête `%s`)", LLMsMembers: "Membres du corps\u00a0: ",
	LLMsOwn:       "le format propre à l’API, `%s`, non décrit ici",
	LLMsReference: "Référence", LLMsReferenceDesc: "[Référence des erreurs (%s)](%s)\u00a0: chaque code avec son exemple de corps, et un récapitulatif des statuts",
	LLMsOptional: "Facultatif", LLMsAction: "\u00a0; action %s", LLMsRetryable: "\u00a0; réessayable", LLMsNotRetryable: "\u00a0; non réessayable",
}

var uiSpanish = &uiText{
	ByEndpoint: "Errores por endpoint", CodeCol: "Código", CodeTitle: "Título", OperationID: "operationId", NoErrors: "Este endpoint no declara ningún error.",
	Errors: "%s: referencia de errores", LinkTo: "Enlace a %s", Contents: "Contenido", Language: "Idioma", Languages: "Idiomas",
	ErrorBody: "Cuerpo del error", Statuses: "Códigos de estado", Codes: "Códigos", Builtins: "Errores integrados", AllCodes: "Todos los códigos",
	Member: "Miembro", Type: "Tipo", Desc: "Descripción", Status: "Estado", Meaning: "Significado", Key: "Clave",
	ContextKey: "Clave de contexto", Any: "cualquiera", HTTPStatus: "Estado HTTP", Action: "Acción", Retryable: "Reintentable",
	Yes: "sí", No: "no", Condition: "Condición", When: "Cuándo ocurre", Cause: "Causa", Next: "Siguiente paso",
	Context: "Contexto", Example: "Cuerpo de ejemplo", Permalink: "Enlace permanente:",
	BodyIs: "Todo cuerpo de error es ", BodySent: ", enviado con el estado HTTP de su código",
	BodyRID: ", y el ID de la solicitud va en la cabecera ", BodyRIDEnd: "",
	Send: " Envíe ", ToGet: " para recibir ", Problem: "detalles de problema RFC 9457", ThatFormat: "ese formato",
	Instead: " en su lugar.", MatchCode: " Compare el código, nunca el mensaje.",
	OwnFormat:     "El cuerpo sigue el formato propio de la API, ",
	OwnFormatEnd:  ", cuyos miembros esta referencia no describe; los cuerpos de ejemplo de abajo no tienen esa forma.",
	BuiltinsIntro: "El catálogo no asocia ningún código propio a estas condiciones, así que responden los valores por defecto de apierr.",
	AllErrors:     "Todos los errores de %s: %s", ExampleMD: "Cuerpo de ejemplo (`%s`):",
	LLMsErrorsAre: "Los errores son cuerpos `%s`. Compare el código; reintente solo los códigos marcados como reintentables, con espera creciente y respetando Retry-After; registre el ID de la solicitud",
	LLMsHeader:    " (cabecera `%s`)", LLMsMembers: "Miembros del cuerpo: ",
	LLMsOwn:       "el formato propio de la API, `%s`, no descrito aquí",
	LLMsReference: "Referencia", LLMsReferenceDesc: "[Referencia de errores de %s](%s): cada código con su cuerpo de ejemplo y un resumen de los estados",
	LLMsOptional: "Opcional", LLMsAction: "; acción %s", LLMsRetryable: "; reintentable", LLMsNotRetryable: "; no reintentable",
}

// uiFor returns the wording for a BCP 47 tag, by its primary language
// ("de-CH" reads German), or the English.
func uiFor(tag string) *uiText {
	switch primary(tag) {
	case "de":
		return uiGerman
	case "fr":
		return uiFrench
	case "es":
		return uiSpanish
	}
	return uiEnglish
}

// languageNames are languages' names in themselves, for the language
// switcher; a language not listed shows its tag.
var languageNames = map[string]string{
	"ar": "العربية", "cs": "Čeština", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "en": "English",
	"es": "Español", "fi": "Suomi", "fr": "Français", "he": "עברית", "hi": "हिन्दी", "hu": "Magyar",
	"id": "Bahasa Indonesia", "it": "Italiano", "ja": "日本語", "ko": "한국어", "nb": "Norsk bokmål",
	"nl": "Nederlands", "pl": "Polski", "pt": "Português", "ro": "Română", "ru": "Русский", "sv": "Svenska",
	"th": "ไทย", "tr": "Türkçe", "uk": "Українська", "vi": "Tiếng Việt", "zh": "中文",
}

// languageName is tag's name in itself: "Deutsch" for de, "Deutsch (CH)"
// for de-CH, the tag itself for a language without a listed name.
func languageName(tag string) string {
	name, ok := languageNames[primary(tag)]
	if !ok {
		return tag
	}
	if rest := tag[len(primary(tag)):]; rest != "" {
		return name + " (" + strings.TrimPrefix(rest, "-") + ")"
	}
	return name
}

// primary is a tag's language subtag, lower case.
func primary(tag string) string {
	p, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(p)
}

// memberTexts describe the members of the built-in formats' bodies in other
// languages, by format and member; %[1]s is an action of the catalog and
// %[2]s its request-ID header, as in the English the formats give
// (apierr.Describer). A member without one keeps the format's English.
var memberTexts = map[string]map[apierr.Format]map[string]string{
	"de": {
		apierr.Envelope: {
			"error":      "Der Fehlercode: stabil und maschinenlesbar, einer der Codes unten. Werten Sie ihn aus.",
			"message":    "Eine Meldung für Menschen. Zeigen Sie sie an; sie kann sich ändern, werten Sie sie also nie aus.",
			"action":     "Der programmatische nächste Schritt, z. B. %[1]s.",
			"docs":       "Der Permalink zum Eintrag des Codes in dieser Referenz.",
			"detail":     "Optionale Erläuterung dieses Vorkommens.",
			"context":    "Dokumentierte, codespezifische Daten (siehe die einzelnen Codes). Bei Validierungsfehlern ordnet context.errors jedem Feld seine Meldungen zu.",
			"request_id": "Die ID der Anfrage, auch im Header %[2]s. Geben Sie sie beim Support an.",
		},
		apierr.Problem: {
			"type":        "Der Permalink zum Eintrag des Codes in dieser Referenz (about:blank, wenn es keinen gibt).",
			"title":       "Eine kurze Zusammenfassung des Codes; für jedes Vorkommen gleich.",
			"status":      "Der HTTP-Statuscode.",
			"detail":      "Eine Erläuterung dieses Vorkommens für Menschen.",
			"instance":    "Der Anfragepfad, den dieses Vorkommen betrifft.",
			"code":        "Der Fehlercode: stabil und maschinenlesbar, einer der Codes unten. Werten Sie ihn aus.",
			"action":      "Der programmatische nächste Schritt, z. B. %[1]s.",
			"request_id":  "Die ID der Anfrage, auch im Header %[2]s.",
			"retry_after": "Sekunden bis zum nächsten Versuch, wie im Header Retry-After.",
			"errors":      "Feldfehler einer fehlgeschlagenen Validierung: Objekte mit field, rule und message.",
			"context":     "Dokumentierte, codespezifische Daten (siehe die einzelnen Codes).",
		},
	},
	"fr": {
		apierr.Envelope: {
			"error":      "Le code d’erreur\u00a0: stable et lisible par une machine, l’un des codes ci-dessous. Fiez-vous à lui.",
			"message":    "Un message destiné aux personnes. Affichez-le\u00a0; il peut changer, ne vous y fiez donc jamais.",
			"action":     "L’étape suivante à exécuter par le programme, par exemple %[1]s.",
			"docs":       "Le lien permanent vers l’entrée du code dans cette référence.",
			"detail":     "Explication facultative de cette occurrence.",
			"context":    "Données documentées propres au code (voir chaque code). Pour les erreurs de validation, context.errors associe à chaque champ ses messages.",
			"request_id": "L’identifiant de la requête, également envoyé dans l’en-tête %[2]s. Communiquez-le au support.",
		},
		apierr.Problem: {
			"type":        "Le lien permanent vers l’entrée du code dans cette référence (about:blank s’il n’y en a pas).",
			"title":       "Un bref résumé du code, identique pour chaque occurrence.",
			"status":      "Le code de statut HTTP.",
			"detail":      "Une explication de cette occurrence, destinée aux personnes.",
			"instance":    "Le chemin de la requête concernée par cette occurrence.",
			"code":        "Le code d’erreur\u00a0: stable et lisible par une machine, l’un des codes ci-dessous. Fiez-vous à lui.",
			"action":      "L’étape suivante à exécuter par le programme, par exemple %[1]s.",
			"request_id":  "L’identifiant de la requête, également envoyé dans l’en-tête %[2]s.",
			"retry_after": "Secondes à attendre avant de réessayer, comme dans l’en-tête Retry-After.",
			"errors":      "Erreurs de champ d’un échec de validation\u00a0: objets avec field, rule et message.",
			"context":     "Données documentées propres au code (voir chaque code).",
		},
	},
	"es": {
		apierr.Envelope: {
			"error":      "El código de error: estable y legible por máquinas, uno de los códigos de abajo. Compárelo.",
			"message":    "Un mensaje para personas. Muéstrelo; puede cambiar, así que nunca lo compare.",
			"action":     "El siguiente paso programático, p. ej. %[1]s.",
			"docs":       "El enlace permanente a la entrada del código en esta referencia.",
			"detail":     "Explicación opcional de esta ocurrencia.",
			"context":    "Datos documentados propios del código (véase cada código). En los errores de validación, context.errors asocia a cada campo sus mensajes.",
			"request_id": "El ID de la solicitud, también en la cabecera %[2]s. Indíquelo al soporte.",
		},
		apierr.Problem: {
			"type":        "El enlace permanente a la entrada del código en esta referencia (about:blank si no la hay).",
			"title":       "Un breve resumen del código, igual en cada ocurrencia.",
			"status":      "El código de estado HTTP.",
			"detail":      "Una explicación de esta ocurrencia, para personas.",
			"instance":    "La ruta de la solicitud a la que se refiere esta ocurrencia.",
			"code":        "El código de error: estable y legible por máquinas, uno de los códigos de abajo. Compárelo.",
			"action":      "El siguiente paso programático, p. ej. %[1]s.",
			"request_id":  "El ID de la solicitud, también en la cabecera %[2]s.",
			"retry_after": "Segundos hasta el siguiente intento, como en la cabecera Retry-After.",
			"errors":      "Errores de campo de una validación fallida: objetos con field, rule y message.",
			"context":     "Datos documentados propios del código (véase cada código).",
		},
	},
}

// localizeMembers rewrites the descriptions of the built-in formats'
// members in lang, where memberTexts has them.
func localizeMembers(ms []member, lang string, cat *apierr.Catalog) {
	texts := memberTexts[primary(lang)][cat.Formats()[0]]
	if texts == nil {
		return
	}
	action := "retry" // as the formats' own descriptions pick it
	for _, c := range cat.Codes() {
		if c.Action != "" && !c.Fallback {
			action = c.Action
			break
		}
	}
	r := strings.NewReplacer("%[1]s", action, "%[2]s", cat.RequestIDHeader())
	for i := range ms {
		if t, ok := texts[ms[i].Name]; ok {
			ms[i].Description = r.Replace(t)
		}
	}
}
