/**
 * Words the renderers add around content, shared by the PDF and the web page so a callout is
 * labelled the same on paper and on screen (a label, not colour alone, carries the meaning).
 */
export const CALLOUT_LABELS = {
  'red-flags': 'Red flags: get help',
  tip: 'Tip',
  warning: 'Warning',
  exercise: 'Exercise',
} as const;
export type CalloutName = keyof typeof CALLOUT_LABELS;

export const isCallout = (name: string): name is CalloutName => Object.hasOwn(CALLOUT_LABELS, name);
