// Workshop mode: sharing the viewer link, and what a viewer is told (English).
export default {
  share: 'Share',
  shareHint: 'How the room joins as viewers (S)',
  title: 'Join the workshop',
  intro: 'On a phone or laptop on the same network: scan the code, or type the short address.',
  qrAlt: 'QR code of the viewer address {url}',
  typeThis: 'Or type',
  fullAddress: 'Full viewer address',
  address: 'Address',
  addresses: 'This computer has several network addresses; if one does not work, try another.',
  viewerOnly:
    'Viewers see everything live but cannot act: this code and this address give viewer rights only. Your controller link is never shown here.',
  localOnly:
    'No network address found: only this computer can join. Connect to the room’s network and restart with npm run web -- --workshop.',
  close: 'Close',
  viewer: 'Viewer',
  viewerNote: 'Viewer — ask the instructor for control',
  viewerRefused: 'You are a viewer: only the instructor can change the society. Ask the instructor for control.',
};
