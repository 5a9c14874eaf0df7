// Filters read from a page's address, for the API's typed query parameters. The address is
// text anyone can edit: a value is passed on as it is and the server judges it, answering a
// wrong one with a message for its field.

/** An id or other number from the address; undefined when absent. */
export function numberParam(value: string | null | undefined): number | undefined {
  return value ? Number(value) : undefined;
}

/** One of the API's choices (`T`) from the address; undefined when absent. */
export function choiceParam<T extends string>(value: string | null | undefined): T | undefined {
  return value ? (value as T) : undefined;
}
