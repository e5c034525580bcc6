/** A source order that cannot become a sales document as it is: not retryable, the operator must fix the order. */
export class OrderMappingError extends Error {
  override readonly name = 'OrderMappingError';
  constructor(
    readonly system: string,
    readonly orderNumber: string,
    message: string,
    readonly field?: string,
  ) {
    super(`${system} order ${orderNumber}: ${message}`);
  }
}
