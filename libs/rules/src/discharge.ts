/**
 * The end of a patient's programme (issue 17, item 9), distinct from a pause: a paused patient is
 * coming back (admitted, on holiday) and a red measured meanwhile is still shown; a discharged
 * patient is not watched any more. Readings are still stored (the record is kept), but they raise
 * nothing, no data is missing, and the board's default view leaves them out.
 */
export interface DischargedPatient {
  dischargedAt: Date | null;
}

/** Whether the patient's programme has ended at `at`. */
export function isDischargedAt(patient: DischargedPatient, at: Date): boolean {
  return patient.dischargedAt !== null && patient.dischargedAt.getTime() <= at.getTime();
}
