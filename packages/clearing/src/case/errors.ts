// The error of an invalid case: the field at fault (`sellers[0].battery.capacityKwh`) and why.
export class CaseError extends Error {
  override name = 'CaseError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
