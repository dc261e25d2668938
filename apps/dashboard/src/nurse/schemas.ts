import { AlertSchema, PatientSummarySchema } from '@tm/contracts';
import { z } from 'zod';

export const PatientListSchema = z.array(PatientSummarySchema);
export const AlertListSchema = z.array(AlertSchema);
