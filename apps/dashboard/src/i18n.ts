import type { MeasurementType, RuleKind } from '@tm/contracts';

/** The dashboard's words in Danish (default) and English. English must cover every Danish key. */
export const LANGUAGES = ['da', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * A message that depends on a number: the CLDR plural category of `params.count` picks the form
 * ("1 rød patient", "2 røde patienter"). Danish and English only have `one` and `other`.
 */
export interface Plural {
  readonly one: string;
  readonly other: string;
}
export type Message = string | Plural;

const da = {
  'app.title': 'Telemonitorering',
  'app.skip': 'Spring til indhold',
  'app.language': 'Sprog',
  'app.logout': 'Log ud',
  'app.loggedInAs': 'Logget ind som {name} ({role})',
  'app.loading': 'Henter…',
  'app.retry': 'Prøv igen',
  'app.notFound': 'Siden findes ikke.',
  'app.notAvailable': 'Denne funktion er ikke tilgængelig endnu på serveren.',
  'app.live.connected': 'Live-opdatering: forbundet',
  'app.live.disconnected': 'Live-opdatering: afbrudt, forbinder igen…',
  'nav.main': 'Hovedmenu',
  'nav.board': 'Triage',
  'nav.alerts': 'Alarmer',
  'nav.admin': 'Administration',
  'role.nurse': 'sygeplejerske',
  'role.homecare': 'hjemmesygepleje',
  'role.admin': 'administrator',
  'login.heading': 'Log ind',
  'login.username': 'Brugernavn',
  'login.password': 'Adgangskode',
  'login.submit': 'Log ind',
  'login.failed': 'Forkert brugernavn eller adgangskode.',
  'login.expired': 'Din session er udløbet. Log ind igen.',
  'triage.red': 'Rød',
  'triage.yellow': 'Gul',
  'triage.green': 'Grøn',
  'triage.none': 'Ingen data',
  'board.heading': 'Triageliste',
  'board.caption': 'Patienter sorteret efter triage (rød, gul, ingen data, grøn); inden for hver farve først dem med ukvitterede alarmer, derefter nyeste først',
  'board.patient': 'Patient',
  'board.triage': 'Triage',
  'board.reason': 'Årsag',
  'board.value': 'Værdi',
  'board.since': 'Siden',
  'board.measuredAt': 'Målt',
  'board.lastMeasurement': 'Seneste måling',
  'board.status': 'Status',
  'board.actions': 'Handlinger',
  'board.empty': 'Ingen patienter.',
  'board.paused': 'Sat på pause til {date}',
  'board.stale': 'Ingen data i {ago}',
  'board.noData': 'Ingen målinger endnu',
  'board.escalated': 'Eskaleret',
  'board.newReadings': 'Nye målinger',
  'board.ackAllGreen': 'Markér alle grønne som set',
  'board.ackAllGreen.done': { one: '{count} grøn patient markeret som set.', other: '{count} grønne patienter markeret som set.' },
  'board.newRed': 'Ny rød: {patient} – {reason}',
  'board.sound': 'Lyd ved ny rød',
  'board.dismiss': 'Luk',
  'board.count.red': { one: '{count} rød patient', other: '{count} røde patienter' },
  'board.count.yellow': { one: '{count} gul patient', other: '{count} gule patienter' },
  'board.count.green': { one: '{count} grøn patient', other: '{count} grønne patienter' },
  'board.count.none': { one: '{count} patient uden data', other: '{count} patienter uden data' },
  'board.moreAlerts': { one: '+ {count} anden alarm', other: '+ {count} andre alarmer' },
  'board.ack.pending': { one: 'Alarmen for {patient} kvitteres om {count} sekund. Vælg “Fortryd kvittering” for at lade den stå åben.', other: 'Alarmen for {patient} kvitteres om {count} sekunder. Vælg “Fortryd kvittering” for at lade den stå åben.' },
  'board.ack.undo': 'Fortryd kvittering',
  'board.ack.sending': 'Kvitterer…',
  'board.ack.secondsLeft': '{count} s',
  'board.ack.undone': 'Kvitteringen er fortrudt: alarmen for {patient} er stadig åben.',
  'board.ack.done': 'Alarmen for {patient} er kvitteret.',
  'alert.acknowledge': 'Kvittér',
  'alert.resolve': 'Afslut',
  'alert.note': 'Notat',
  'alert.noteFor': 'Notat til alarmen “{rule}”',
  'alert.status.open': 'Åben',
  'alert.status.acknowledged': 'Kvitteret',
  'alert.status.resolved': 'Afsluttet',
  'alert.raisedAt': 'Udløst',
  'alert.measuredAt': 'Målt',
  'alert.message': 'Besked',
  'alert.severity': 'Alvorlighed',
  'alert.statusLabel': 'Status',
  'alert.by': '{action} af {user} {when}',
  'alert.late': 'Forsinket måling',
  'alert.backInRange': 'Seneste måling er tilbage inden for grænserne',
  'alert.count': { one: '{count} gang', other: '{count} gange' },
  'alert.patient': 'Patient',
  'alert.points': { one: '{value} procentpoint', other: '{value} procentpoint' },
  'alert.none': 'Ingen alarmer.',
  'alert.forbidden': 'Du har ikke adgang til at ændre alarmer.',
  'alerts.heading': 'Alarmer',
  'alerts.filter': 'Vis status',
  'alerts.all': 'Alle',
  'alerts.order': 'Sorteret efter alvorlighed (rød før gul), derefter nyeste først.',
  'patient.heading': 'Patient {id}',
  'patient.back': 'Tilbage til triagelisten',
  'patient.programme': 'Forløb',
  'patient.alerts': 'Alarmer',
  'patient.trends': 'Målinger over tid',
  'patient.devices': 'Udstyr og gateway',
  'patient.thresholds': 'Grænseværdier',
  'patient.unknown': 'Patienten findes ikke eller er ikke synlig for dig.',
  'trend.range': 'Periode',
  'trend.range.1d': '1 døgn',
  'trend.range.1w': '1 uge',
  'trend.range.1m': '1 måned',
  'trend.range.3m': '3 måneder',
  'trend.resolution': 'Opløsning',
  'trend.resolution.raw': 'Enkeltmålinger',
  'trend.resolution.1h': 'Time',
  'trend.resolution.1d': 'Døgn',
  'trend.resolution.1w': 'Uge',
  'trend.noData': 'Ingen målinger i perioden.',
  'trend.showTable': 'Vis som tabel',
  'trend.chartSummary': {
    one: '{name} fra {from} til {to}: {count} punkt, laveste {min}, højeste {max} {unit}.',
    other: '{name} fra {from} til {to}: {count} punkter, laveste {min}, højeste {max} {unit}.',
  },
  'trend.time': 'Tidspunkt',
  'trend.value': 'Værdi',
  'trend.min': 'Min',
  'trend.max': 'Maks',
  'trend.avg': 'Gennemsnit',
  'trend.count': 'Antal',
  'trend.band.red': 'rød grænse',
  'trend.band.yellow': 'gul grænse',
  'trend.legend': 'Baggrund: gult og rødt område er patientens grænseværdier.',
  'device.none': 'Ingen udstyrsdata.',
  'device.device': 'Apparat',
  'device.model': 'Model',
  'device.gateway': 'Gateway',
  'device.battery': 'Batteri',
  'device.lastSeen': 'Sidst set',
  'device.gatewayState': 'Gateway-status',
  'device.online': 'Online',
  'device.offline': 'Offline',
  'thresholds.heading': 'Grænseværdier',
  'thresholds.defaults': 'Forløbets standardgrænser gælder.',
  'thresholds.personal': 'Personlige grænser, ændret af {user} {when}.',
  'thresholds.personalRule': 'personlig grænse, sat af {user} {when}',
  'thresholds.personalRuleUnknown': 'personlig grænse',
  'thresholds.rule': 'Regel',
  'thresholds.kind': 'Type',
  'thresholds.measure': 'Måling',
  'thresholds.direction': 'Retning',
  'thresholds.yellow': 'Gul grænse',
  'thresholds.red': 'Rød grænse',
  'thresholds.afterHours': 'Mangler efter (timer)',
  'thresholds.windowHours': 'Vindue (timer)',
  'thresholds.windowDays': 'Vindue (dage)',
  'thresholds.severity': 'Alvorlighed',
  'thresholds.remove': 'Fjern grænsen “{rule}”',
  'thresholds.add': 'Tilføj grænse',
  'thresholds.save': 'Gem grænseværdier',
  'thresholds.saved': 'Grænseværdierne er gemt.',
  'thresholds.readOnly': 'Du kan se, men ikke ændre grænseværdierne.',
  'thresholds.newRuleName': 'Navn på ny regel',
  'direction.low': 'under',
  'direction.high': 'over',
  'direction.rise': 'stigning',
  'direction.fall': 'fald',
  'kind.absolute': 'Grænse',
  'kind.change': 'Ændring',
  'kind.baseline': 'Under eget niveau',
  'kind.missing': 'Manglende måling',
  'rule.absolute.low': '{measure}: under grænsen',
  'rule.absolute.high': '{measure}: over grænsen',
  'rule.change.rise': '{measure}: stigning',
  'rule.change.fall': '{measure}: fald',
  'rule.baseline': '{measure}: under eget niveau',
  'rule.missing': 'Manglende måling: {type}',
  'rule.flag': 'Markering fra måleren ved {type}',
  'rule.other': 'Alarm for {measure}',
  'time.justNow': 'lige nu',
  'time.minutesAgo': '{n} min. siden',
  'time.hoursAgo': '{n} t. siden',
  'time.daysAgo': '{n} dage siden',
  'time.dayAgo': '1 dag siden',
  'time.minutes': '{n} min.',
  'time.hours': '{n} t.',
  'time.days': '{n} dage',
  'time.day': '1 dag',
  'admin.heading': 'Administration',
  'admin.users': 'Brugere',
  'admin.careTeams': 'Teams',
  'admin.patients': 'Patienter',
  'admin.gateways': 'Gateways',
  'admin.audit': 'Revisionslog',
  'admin.create': 'Opret',
  'admin.created': 'Oprettet.',
  'admin.id': 'Id',
  'admin.name': 'Navn',
  'admin.username': 'Brugernavn',
  'admin.displayName': 'Vist navn',
  'admin.password': 'Adgangskode',
  'admin.role': 'Rolle',
  'admin.careTeamsField': 'Teams (adskilt med komma)',
  'admin.kind': 'Type',
  'admin.programme': 'Forløb',
  'admin.schedule': 'Måleplan',
  'admin.pauseUntil': 'Sæt overvågning på pause til',
  'admin.pause': 'Sæt på pause',
  'admin.resume': 'Genoptag',
  'admin.patientId': 'Patient-id',
  'admin.bind': 'Tilknyt patient',
  'admin.rotate': 'Ny hemmelighed',
  'admin.revoke': 'Tilbagekald',
  'admin.secretOnce': 'Hemmeligheden for {id} vises kun denne ene gang: {secret}',
  'admin.confirmRevoke': 'Tilbagekald gateway {id}? Den kan ikke længere sende målinger.',
  'admin.filter': 'Filtrér',
  'admin.from': 'Fra',
  'admin.to': 'Til',
  'admin.userId': 'Bruger-id',
  'admin.exportCsv': 'Eksportér CSV',
  'admin.empty': 'Ingen rækker.',
  'admin.actions': 'Handlinger',
} as const satisfies Record<string, Message>;

export type MessageKey = keyof typeof da;
export type Dictionary = Record<MessageKey, Message>;

const en: Dictionary = {
  'app.title': 'Telemonitoring',
  'app.skip': 'Skip to content',
  'app.language': 'Language',
  'app.logout': 'Log out',
  'app.loggedInAs': 'Signed in as {name} ({role})',
  'app.loading': 'Loading…',
  'app.retry': 'Try again',
  'app.notFound': 'Page not found.',
  'app.notAvailable': 'This feature is not available on the server yet.',
  'app.live.connected': 'Live updates: connected',
  'app.live.disconnected': 'Live updates: disconnected, reconnecting…',
  'nav.main': 'Main menu',
  'nav.board': 'Triage',
  'nav.alerts': 'Alerts',
  'nav.admin': 'Administration',
  'role.nurse': 'nurse',
  'role.homecare': 'home nursing',
  'role.admin': 'administrator',
  'login.heading': 'Sign in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'Wrong user name or password.',
  'login.expired': 'Your session has expired. Please sign in again.',
  'triage.red': 'Red',
  'triage.yellow': 'Yellow',
  'triage.green': 'Green',
  'triage.none': 'No data',
  'board.heading': 'Triage list',
  'board.caption': 'Patients sorted by triage (red, yellow, no data, green); within each colour those with unacknowledged alerts first, then newest first',
  'board.patient': 'Patient',
  'board.triage': 'Triage',
  'board.reason': 'Reason',
  'board.value': 'Value',
  'board.since': 'Since',
  'board.measuredAt': 'Measured',
  'board.lastMeasurement': 'Last measurement',
  'board.status': 'Status',
  'board.actions': 'Actions',
  'board.empty': 'No patients.',
  'board.paused': 'Paused until {date}',
  'board.stale': 'No data for {ago}',
  'board.noData': 'No measurements yet',
  'board.escalated': 'Escalated',
  'board.newReadings': 'New readings',
  'board.ackAllGreen': 'Mark all green as seen',
  'board.ackAllGreen.done': { one: '{count} green patient marked as seen.', other: '{count} green patients marked as seen.' },
  'board.newRed': 'New red: {patient} – {reason}',
  'board.sound': 'Sound on new red',
  'board.dismiss': 'Dismiss',
  'board.count.red': { one: '{count} red patient', other: '{count} red patients' },
  'board.count.yellow': { one: '{count} yellow patient', other: '{count} yellow patients' },
  'board.count.green': { one: '{count} green patient', other: '{count} green patients' },
  'board.count.none': { one: '{count} patient without data', other: '{count} patients without data' },
  'board.moreAlerts': { one: '+ {count} other alert', other: '+ {count} other alerts' },
  'board.ack.pending': { one: 'The alert for {patient} will be acknowledged in {count} second. Choose “Undo acknowledgement” to leave it open.', other: 'The alert for {patient} will be acknowledged in {count} seconds. Choose “Undo acknowledgement” to leave it open.' },
  'board.ack.undo': 'Undo acknowledgement',
  'board.ack.sending': 'Acknowledging…',
  'board.ack.secondsLeft': '{count} s',
  'board.ack.undone': 'Acknowledgement undone: the alert for {patient} is still open.',
  'board.ack.done': 'The alert for {patient} is acknowledged.',
  'alert.acknowledge': 'Acknowledge',
  'alert.resolve': 'Resolve',
  'alert.note': 'Note',
  'alert.noteFor': 'Note on the alert “{rule}”',
  'alert.status.open': 'Open',
  'alert.status.acknowledged': 'Acknowledged',
  'alert.status.resolved': 'Resolved',
  'alert.raisedAt': 'Raised',
  'alert.measuredAt': 'Measured',
  'alert.message': 'Message',
  'alert.severity': 'Severity',
  'alert.statusLabel': 'Status',
  'alert.by': '{action} by {user} {when}',
  'alert.late': 'Late reading',
  'alert.backInRange': 'Latest reading is back within limits',
  'alert.count': { one: 'once', other: '{count} times' },
  'alert.patient': 'Patient',
  'alert.points': { one: '{value} percentage point', other: '{value} percentage points' },
  'alert.none': 'No alerts.',
  'alert.forbidden': 'You are not allowed to change alerts.',
  'alerts.heading': 'Alerts',
  'alerts.filter': 'Show status',
  'alerts.all': 'All',
  'alerts.order': 'Sorted by severity (red before yellow), then newest first.',
  'patient.heading': 'Patient {id}',
  'patient.back': 'Back to the triage list',
  'patient.programme': 'Programme',
  'patient.alerts': 'Alerts',
  'patient.trends': 'Measurements over time',
  'patient.devices': 'Devices and gateway',
  'patient.thresholds': 'Thresholds',
  'patient.unknown': 'The patient does not exist or is not visible to you.',
  'trend.range': 'Period',
  'trend.range.1d': '1 day',
  'trend.range.1w': '1 week',
  'trend.range.1m': '1 month',
  'trend.range.3m': '3 months',
  'trend.resolution': 'Resolution',
  'trend.resolution.raw': 'Single readings',
  'trend.resolution.1h': 'Hour',
  'trend.resolution.1d': 'Day',
  'trend.resolution.1w': 'Week',
  'trend.noData': 'No measurements in this period.',
  'trend.showTable': 'Show as table',
  'trend.chartSummary': {
    one: '{name} from {from} to {to}: {count} point, lowest {min}, highest {max} {unit}.',
    other: '{name} from {from} to {to}: {count} points, lowest {min}, highest {max} {unit}.',
  },
  'trend.time': 'Time',
  'trend.value': 'Value',
  'trend.min': 'Min',
  'trend.max': 'Max',
  'trend.avg': 'Average',
  'trend.count': 'Count',
  'trend.band.red': 'red limit',
  'trend.band.yellow': 'yellow limit',
  'trend.legend': 'Background: the yellow and red areas are the patient’s thresholds.',
  'device.none': 'No device data.',
  'device.device': 'Device',
  'device.model': 'Model',
  'device.gateway': 'Gateway',
  'device.battery': 'Battery',
  'device.lastSeen': 'Last seen',
  'device.gatewayState': 'Gateway state',
  'device.online': 'Online',
  'device.offline': 'Offline',
  'thresholds.heading': 'Thresholds',
  'thresholds.defaults': 'The programme’s default thresholds apply.',
  'thresholds.personal': 'Personal thresholds, changed by {user} {when}.',
  'thresholds.personalRule': 'personal limit, set by {user} {when}',
  'thresholds.personalRuleUnknown': 'personal limit',
  'thresholds.rule': 'Rule',
  'thresholds.kind': 'Kind',
  'thresholds.measure': 'Measure',
  'thresholds.direction': 'Direction',
  'thresholds.yellow': 'Yellow limit',
  'thresholds.red': 'Red limit',
  'thresholds.afterHours': 'Missing after (hours)',
  'thresholds.windowHours': 'Window (hours)',
  'thresholds.windowDays': 'Window (days)',
  'thresholds.severity': 'Severity',
  'thresholds.remove': 'Remove the limit “{rule}”',
  'thresholds.add': 'Add threshold',
  'thresholds.save': 'Save thresholds',
  'thresholds.saved': 'Thresholds saved.',
  'thresholds.readOnly': 'You can view but not change the thresholds.',
  'thresholds.newRuleName': 'Name of the new rule',
  'direction.low': 'below',
  'direction.high': 'above',
  'direction.rise': 'rise',
  'direction.fall': 'fall',
  'kind.absolute': 'Limit',
  'kind.change': 'Change',
  'kind.baseline': 'Below own baseline',
  'kind.missing': 'Missing reading',
  'rule.absolute.low': '{measure}: below the limit',
  'rule.absolute.high': '{measure}: above the limit',
  'rule.change.rise': '{measure}: rise',
  'rule.change.fall': '{measure}: fall',
  'rule.baseline': '{measure}: below own baseline',
  'rule.missing': 'Missing reading: {type}',
  'rule.flag': 'Flag set by the {type} device',
  'rule.other': 'Alert on {measure}',
  'time.justNow': 'just now',
  'time.minutesAgo': '{n} min ago',
  'time.hoursAgo': '{n} h ago',
  'time.daysAgo': '{n} days ago',
  'time.dayAgo': '1 day ago',
  'time.minutes': '{n} min',
  'time.hours': '{n} h',
  'time.days': '{n} days',
  'time.day': '1 day',
  'admin.heading': 'Administration',
  'admin.users': 'Users',
  'admin.careTeams': 'Care teams',
  'admin.patients': 'Patients',
  'admin.gateways': 'Gateways',
  'admin.audit': 'Audit log',
  'admin.create': 'Create',
  'admin.created': 'Created.',
  'admin.id': 'Id',
  'admin.name': 'Name',
  'admin.username': 'User name',
  'admin.displayName': 'Display name',
  'admin.password': 'Password',
  'admin.role': 'Role',
  'admin.careTeamsField': 'Care teams (comma separated)',
  'admin.kind': 'Kind',
  'admin.programme': 'Programme',
  'admin.schedule': 'Measurement schedule',
  'admin.pauseUntil': 'Pause monitoring until',
  'admin.pause': 'Pause',
  'admin.resume': 'Resume',
  'admin.patientId': 'Patient id',
  'admin.bind': 'Bind patient',
  'admin.rotate': 'New secret',
  'admin.revoke': 'Revoke',
  'admin.secretOnce': 'The secret for {id} is shown this one time only: {secret}',
  'admin.confirmRevoke': 'Revoke gateway {id}? It will no longer be able to send measurements.',
  'admin.filter': 'Filter',
  'admin.from': 'From',
  'admin.to': 'To',
  'admin.userId': 'User id',
  'admin.exportCsv': 'Export CSV',
  'admin.empty': 'No rows.',
  'admin.actions': 'Actions',
};

/** Both dictionaries, read-only (tests compare them). */
export const DICTIONARIES: Readonly<Record<Language, Readonly<Dictionary>>> = { da, en };

export type Params = Record<string, string | number>;

const LOCALES: Record<Language, string> = { da: 'da-DK', en: 'en-GB' };
const PLURAL_RULES: Record<Language, Intl.PluralRules> = { da: new Intl.PluralRules(LOCALES.da), en: new Intl.PluralRules(LOCALES.en) };

/** The form of a plural message for `count` (`other` when count is missing or not a number). */
function pluralForm(language: Language, message: Plural, count: string | number | undefined): string {
  const n = typeof count === 'number' ? count : Number(count);
  if (count === undefined || Number.isNaN(n)) return message.other;
  return PLURAL_RULES[language].select(n) === 'one' ? message.one : message.other;
}

/**
 * The message for a key with `{name}` placeholders filled in; a missing parameter stays visible as
 * `{name}`. Plural messages choose their form by `params.count`; numbers are written the local way.
 */
export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  const message: Message = DICTIONARIES[language][key];
  const text = typeof message === 'string' ? message : pluralForm(language, message, params.count);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(language, value) : value;
  });
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Short clinical names of the LOINC codes, per language. */
const MEASURE_NAMES: Record<Language, Record<string, string>> = {
  da: {
    '8480-6': 'Systolisk blodtryk',
    '8462-4': 'Diastolisk blodtryk',
    '8478-0': 'Middelblodtryk',
    '8867-4': 'Puls',
    '59408-5': 'Iltmætning (SpO2)',
    '29463-7': 'Vægt',
    '20150-9': 'FEV1',
    '19868-9': 'FVC',
    '19926-5': 'FEV1/FVC',
    '19935-6': 'PEF',
  },
  en: {
    '8480-6': 'Systolic blood pressure',
    '8462-4': 'Diastolic blood pressure',
    '8478-0': 'Mean arterial pressure',
    '8867-4': 'Pulse',
    '59408-5': 'Oxygen saturation (SpO2)',
    '29463-7': 'Weight',
    '20150-9': 'FEV1',
    '19868-9': 'FVC',
    '19926-5': 'FEV1/FVC',
    '19935-6': 'PEF',
  },
};

export function measureName(language: Language, code: string): string {
  return MEASURE_NAMES[language][code] ?? code;
}

/** UCUM as a clinician writes it. */
export function unitText(unit: string): string {
  return unit === 'mm[Hg]' ? 'mmHg' : unit;
}

/** At most two decimals, decimal comma in Danish. */
export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 2 }).format(value);
}

export function formatDate(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'short' }).format(new Date(iso));
}

export function formatTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeStyle: 'short' }).format(new Date(iso));
}

const TYPE_NAMES: Record<Language, Record<MeasurementType, string>> = {
  da: { blood_pressure: 'blodtryk', pulse_oximetry: 'iltmætning', body_weight: 'vægt', spirometry: 'spirometri' },
  en: { blood_pressure: 'blood pressure', pulse_oximetry: 'pulse oximetry', body_weight: 'body weight', spirometry: 'spirometry' },
};

export function measurementTypeName(language: Language, type: MeasurementType): string {
  return TYPE_NAMES[language][type];
}

export function formatDateTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** What a rule watches, as much as an alert or a threshold tells of it. */
export interface RuleShape {
  kind: RuleKind;
  code?: string | null;
  type?: MeasurementType | null;
  direction?: 'low' | 'high' | 'rise' | 'fall' | null;
  /** for a device-flag rule: the flag's name as the decoders write it */
  flag?: string | null;
}

/** A readable name for a rule from what it watches: "Iltmætning (SpO2): under grænsen", "Vægt: stigning". */
export function describeRule(language: Language, rule: RuleShape): string {
  const measure = rule.code ? measureName(language, rule.code) : '';
  switch (rule.kind) {
    case 'absolute':
      if (rule.direction === 'low' || rule.direction === 'high') return translate(language, `rule.absolute.${rule.direction}`, { measure });
      return translate(language, 'rule.other', { measure });
    case 'change':
      if (rule.direction === 'rise' || rule.direction === 'fall') return translate(language, `rule.change.${rule.direction}`, { measure });
      return translate(language, 'rule.other', { measure });
    case 'baseline':
      return translate(language, 'rule.baseline', { measure });
    case 'missing':
      return translate(language, 'rule.missing', { type: rule.type ? measurementTypeName(language, rule.type) : measure });
    case 'flag':
      return translate(language, 'rule.flag', { type: rule.type ? measurementTypeName(language, rule.type) : measure });
  }
}
