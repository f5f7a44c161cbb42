### Resguardo's reporter pages and reporter command line, in Spanish.
###
### One file per language, named by its code (es.ftl). docs/translating.md says how to add a
### language: every message of es.ftl must be here, or the server refuses to start, naming it.
### Plain language, short sentences: people read these frightened, on a small screen.
### { $n } and { $answer } are filled in where the text is shown.

## About this language
# Its own name, as its speakers write it, in the language links of every page.
language-name = Español
# The receipt phrase's word list: es, en or fr (BIP-39 lists). A language without a list
# of its own names the one its speakers read best.
language-words = es

## On every page
exit = Salir rápido
noscript = Esta página necesita JavaScript para cifrar su reporte en su propio teléfono antes de enviarlo: sin él, nada se puede enviar de forma segura. En Tor Browser, toque el escudo y elija el nivel «Más seguro» (no «El más seguro»), luego vuelva a cargar la página.
noscript-followup = Para ver las respuestas, esta página descifra su caso en su propio teléfono con sus 8 palabras, y para eso necesita JavaScript: el servidor no puede leer su caso ni mostrarlo. En Tor Browser, toque el escudo y elija el nivel «Más seguro» (no «El más seguro»), luego vuelva a cargar la página. Guarde sus palabras mientras tanto.
other-ways = Otras formas de contactar a
footer = Su reporte se cifra en este dispositivo. El servidor no puede leerlo.
digest = Huella del código de esta página (SHA-256)
for-experts = Para personas expertas
no-desk = Ahora no hay ninguna mesa que reciba reportes aquí. Intente más tarde.
desk = Mesa que recibirá su reporte

## The report form
intake-title = Reportar una extorsión
intake-intro = Cuéntenos qué pasó. Solo responda lo que quiera. No pedimos su nombre.
who-reads = Antes de salir de su teléfono, su reporte se cifra para la mesa de atención: solo las personas de esa mesa, revisadas por su coordinación, pueden leerlo. Recibirá una frase de 8 palabras para volver a ver las respuestas.
kind = ¿Qué pasó?
required = Falta este dato: complételo para poder enviar.
kind-sextortion = Me amenazan con publicar fotos o videos íntimos
kind-phone_extortion = Extorsión por teléfono
kind-in_person_extortion = Extorsión en persona
kind-online_extortion = Extorsión por internet o redes sociales
kind-other = Otra cosa
when = ¿Cuándo pasó?
when-today = Hoy
when-this_week = Esta semana
when-this_month = Este mes
when-earlier = Antes
indicators = ¿Qué usa la persona que le extorsiona? (opcional)
indicators-hint = Números de teléfono, cuentas de banco o de remesas, perfiles de redes sociales, billeteras. Ayudan a bloquearlos y a ver si extorsionan a otras personas.
indicator-kind-phone = Teléfono
indicator-kind-account = Cuenta de banco o remesas
indicator-kind-handle = Perfil de red social
indicator-kind-wallet = Billetera de criptomonedas
indicator-type = Tipo
indicator-value = Número, cuenta o perfil
add-indicator = Añadir otro
consent-statistics = ¿Podemos contar su caso, sin ningún dato que le identifique, en estadísticas anónimas?
facets-title = Para las estadísticas (opcional)
facets-hint = Estas respuestas ayudan a conocer la extorsión en la región. Si no sabe o prefiere no decirlo, deje la pregunta como está.
channel = ¿Cómo le contactó quien extorsiona?
channel-call = Llamada telefónica
channel-messaging = WhatsApp, Telegram o SMS
channel-social_network = Red social (Facebook, TikTok…)
channel-in_person = En persona
channel-other = De otra forma
demanded = ¿Qué le exige?
demanded-money = Dinero
demanded-images = Fotos o videos íntimos
demanded-other = Otra cosa
paid = ¿Ha pagado algo?
payment-channel = Si pagó, ¿cómo?
payment-channel-bank_deposit = Depósito bancario
payment-channel-remittance = Remesa o envío de dinero
payment-channel-cash = En efectivo
payment-channel-mobile_money = Billetera móvil (como Tigo Money)
payment-channel-crypto = Criptomonedas
payment-channel-other = De otra forma
gang-claimed = ¿Dijo que es de una pandilla o de un grupo criminal?
answer-yes = Sí
answer-no = No
country = ¿En qué país?
country-GT = Guatemala
country-HN = Honduras
country-SV = El Salvador
narrative = Cuéntenos qué pasó
narrative-hint = Puede incluir cuándo empezó, qué le piden y qué datos usan (números de teléfono, cuentas bancarias o de remesas, perfiles de redes sociales).
needs = ¿Qué ayuda necesita?
need-legal = Asesoría legal
need-psychosocial = Apoyo psicológico
need-digital_security = Seguridad digital
need-shelter = Un lugar seguro
need-medical = Atención médica
need-financial = Ayuda con bancos o dinero
contact = ¿Cómo y cuándo es seguro contactarle? (opcional)
contact-hint = Déjelo vacío si no es seguro. Puede volver a esta página con su frase.
consent = ¿Podemos enviar lo necesario a una organización de apoyo (abogados, psicólogas, refugios)?
yes = Sí
no = No
before-sending = Al enviar, su teléfono cifra el reporte y resuelve un pequeño cálculo que protege el servicio contra abusos. Puede tardar unos segundos.
send = Enviar de forma segura
working = Cifrando y enviando… no cierre esta página.

## When something fails
# problem-*: what the reporter reads for each problem the server answers (its RFC 9457 type).
error-server = El servidor no pudo atender la solicitud. Intente de nuevo en un momento.
error-network = No se pudo conectar. Revise su conexión e intente de nuevo.
problem-receipt-not-found = Ningún reporte corresponde a esta frase. Revise las 8 palabras.
problem-rate-limited = Hay muchas solicitudes en este momento. Espere un minuto e intente de nuevo.
problem-thread-full = Este caso ya tiene demasiados mensajes. La mesa le responderá aquí.
problem-desk-not-found = Esta mesa ya no recibe reportes.
problem-payload-too-large = El texto es demasiado largo. Acórtelo e intente de nuevo.
problem-pow-expired = La comprobación de seguridad caducó. Intente de nuevo.
problem-pow-stale = La comprobación de seguridad caducó. Intente de nuevo.
problem-pow-reused = La comprobación de seguridad ya se usó. Intente de nuevo.
problem-timeout = El servidor tardó demasiado. Intente de nuevo.
problem-service-unavailable = El servicio no está disponible ahora. Intente más tarde.
problem-storage-full = El servicio no está disponible ahora. Intente más tarde.
problem-attachment-limit = Este caso no puede recibir más archivos.

## Typing the receipt phrase
unknown-word = La palabra { $n } no está en la lista: revísela.
word-count = La frase tiene 8 palabras; aquí hay { $n }.

## The receipt
receipt-title = Recibimos su reporte
receipt-intro = Esta es su frase para volver. Guarde estas 8 palabras. Es la única forma de ver las respuestas y no se puede recuperar. No la mostramos otra vez.
desk-number = Su reporte se cifró para la mesa con este número de seguridad; compárelo con el que la mesa publica:
print = Imprimir
shared-device = Si el teléfono es compartido, no guarde la frase en él: escríbala en papel y guárdela en un lugar seguro. Cierre esta pestaña al terminar.

## Reading the replies
followup-title = Ver respuestas
have-phrase = ¿Ya tiene una frase? Vea las respuestas.
phrase-label = Su frase de 8 palabras
phrase-hint = Una palabra en cada casilla; las tildes y las mayúsculas no importan. Puede pegar la frase entera en la primera.
word = Palabra
open = Abrir
status = Estado
status-new = Recibido
status-in_review = En revisión
status-referred = Derivado a una organización de apoyo
status-closed = Cerrado
status-spam = Cerrado
write = Escribir a la mesa
from-desk = La mesa
from-you = Usted
unreadable = (no se puede leer)
not-verified = Atención: no pudimos comprobar que este mensaje venga de la mesa. No siga sus instrucciones ni comparta datos sin confirmarlo con la mesa por otra vía.

## The command line's own words (resguardo report)

cli-pick = Escriba el número o la palabra:
cli-optional = (deje vacío para saltar)
cli-lines = (termine con una línea vacía)
cli-several = Puede elegir varias, separadas por comas.
cli-again = No entendí «{ $answer }». Intente otra vez.
cli-required = Falta este dato: escríbalo para poder enviar.
# While the device solves the small calculation that protects the service.
cli-working = Comprobación de seguridad
cli-phrase = Su frase de 8 palabras:
# The answers piped in ended before the last question.
cli-no-input = La entrada terminó antes de responder todo: no se envió nada.
cli-no-messages = Todavía no hay mensajes.
cli-sent = Su mensaje fue enviado, cifrado para la mesa.

## Attaching evidence (resguardo report --attach, and the pages' picker)
attach-legend = Pruebas (opcional)
attach-hint = Capturas, fotos, audios o documentos. Las fotos JPEG, PNG y WebP se limpian en su teléfono antes de cifrarse: se quitan los datos de lugar, hora y aparato. Los nombres de los archivos no se envían.
attach-keep-originals = Enviar también las fotos originales, sin limpiar, como prueba.
attach-cleaned = { $file }: se quitaron los datos de lugar, hora, aparato y autor.
attach-uncleanable = { $file }: este tipo de archivo no se puede limpiar en este aparato. Puede revelar dónde y cuándo se hizo, y con qué aparato.
attach-ask-as-is = ¿Enviarlo así de todos modos?
# The command line, when it cannot ask (input is not a terminal).
attach-as-is-flag = { $file } no se envió. Para enviarlo tal como está, repita la orden con --send-as-is.
attach-too-many = Un reporte puede llevar como máximo { $n } archivos.
attach-too-large = Estos archivos son demasiado grandes juntos: un reporte puede llevar como máximo { $mib } MB.
attach-sending = Enviando { $file }
attach-not-sent = No se pudo enviar { $file }. La mesa recibió lo demás: intente enviarlo otra vez más tarde.
attach-sent = Archivos enviados, cifrados para la mesa: { $n }

## The desk dashboard (its own listener: docs/decisions/0008)
desk-title = Panel de la mesa
desk-noscript = El panel de la mesa necesita JavaScript: los casos se descifran en este dispositivo, nunca en el servidor.
desk-desk = Mesa
desk-username = Usuario
desk-password = Contraseña
desk-code = Código de la aplicación de autenticación (6 dígitos)
desk-root = Número de seguridad raíz de la mesa
desk-root-hint = Solo la primera vez en este navegador: se lo da su supervisora o supervisor con el código de inscripción.
desk-sign-in = Entrar
desk-working = Verificando la contraseña y las claves…
desk-signed-in-as = Sesión iniciada como
desk-key-verified = Claves de la mesa verificadas con el número raíz. Versión de la clave:
desk-lock = Bloquear
desk-sign-out = Cerrar sesión
desk-locked = Pantalla bloqueada: las claves se borraron de este navegador. Escriba su contraseña y un código nuevo para continuar.
desk-unlock = Desbloquear
desk-error-login = La mesa, el usuario, la contraseña o el código no son correctos. Cada código sirve una sola vez: si ya lo usó, espere el siguiente.
desk-error-untrusted = Las claves que muestra el servidor no se pudieron verificar con el número raíz de la mesa. No use este servidor hasta que su supervisora o supervisor lo aclare.
desk-error-network = No se pudo conectar con el servidor. Revise la conexión e inténtelo de nuevo.
desk-error-root = Escriba el número de seguridad raíz de la mesa: 32 cifras y letras de la a a la f, en grupos de cuatro, como se lo dieron. Este navegador aún no lo conoce.
desk-error-device = Este navegador no pudo hacer el cálculo de la contraseña (necesita WebAssembly y 64 MiB de memoria). Pruebe con otro navegador o con la línea de comandos.

## The inbox: every report is decrypted in this browser; the search never leaves it.
desk-inbox = Casos
desk-search = Buscar en lo que escribieron
desk-search-hint = La búsqueda se hace en este dispositivo: el servidor no ve lo que escribe aquí.
desk-filter-status = Estado
desk-filter-kind = Tipo
desk-filter-need = Ayuda pedida
desk-filter-country = País
desk-filter-assignee = Asignado a
desk-any = Todos
desk-unassigned = Sin asignar
desk-loading = Descifrando los reportes en este dispositivo: { $done } de { $total }…
desk-count = { $shown } de { $total } casos, primero los que necesitan atención.
desk-no-match = Ningún caso coincide con la búsqueda y los filtros.
desk-error-inbox = No se pudieron cargar los casos. Revise la conexión y vuelva a entrar.
desk-received = Recibido el
desk-waiting = Espera respuesta desde el
desk-unread-messages = Mensajes nuevos de quien reporta:
desk-unread-answers = Respuestas nuevas de organizaciones aliadas:
desk-assigned = Asignado a
desk-unopened = No se puede abrir con las claves de la mesa que usted tiene
desk-status-new = Nuevo
desk-status-in_review = En revisión
desk-status-referred = Derivado
desk-status-closed = Cerrado
desk-status-spam = Spam
desk-kind-sextortion = Sextorsión (fotos o videos íntimos)
desk-kind-phone_extortion = Extorsión por teléfono
desk-kind-in_person_extortion = Extorsión en persona
desk-kind-online_extortion = Extorsión por internet o redes
desk-kind-other = Otra cosa

## One case: its fields, thread, notes, referrals and history, and the actions of triage.
desk-word-open = Abrir
desk-word-back = Volver a los casos
desk-word-case = Caso
desk-word-field-kind = Tipo
desk-word-field-when = Cuándo pasó
desk-word-field-country = País
desk-word-field-needs = Ayuda pedida
desk-word-field-narrative = Lo que pasó, en sus palabras
desk-word-field-safe_contact = Cómo contactar sin riesgo
desk-word-field-indicators = Lo que usó quien extorsiona
desk-word-field-consent_referral = Acepta que se derive a una organización de apoyo
desk-word-field-consent_statistics = Acepta que se cuente en estadísticas anónimas
desk-word-field-channel = Cómo le contactaron
desk-word-field-demanded = Qué le exigen
desk-word-field-paid = Ha pagado
desk-word-field-payment_channel = Cómo pagó
desk-word-field-gang_claimed = Dijo ser de una pandilla o grupo criminal
desk-word-field-lang = Idioma del reporte
desk-word-thread = Conversación con quien reporta
desk-word-from-reporter = Quien reporta
desk-word-from-desk = Mesa:
desk-word-not-signed = Atención: no lleva una firma válida de quien dice haberlo escrito; pudo escribirlo otra persona.
desk-word-unreadable = No se puede abrir con las claves que usted tiene.
desk-word-notes = Notas internas (solo la mesa las lee)
desk-word-nothing-yet = Nada todavía.
desk-word-referrals = Derivaciones
desk-word-from-partner = Organización:
desk-word-referral-status-sent = Enviada
desk-word-referral-status-accepted = Aceptada
desk-word-referral-status-declined = Rechazada
desk-word-referral-status-closed = Cerrada
desk-word-trail = Historial del caso
desk-word-action-case-open = abrió el caso
desk-word-action-case-status = cambió el estado
desk-word-action-case-assign = asignó el caso
desk-word-action-case-note = escribió una nota
desk-word-action-case-reply = respondió a quien reporta
desk-word-action-case-seal = selló el caso
desk-word-action-case-reencrypt = volvió a cifrar el caso
desk-word-action-referral-create = derivó el caso
desk-word-action-referral-consent_override = derivó sin consentimiento, con un motivo
desk-word-action-referral-message = escribió a la organización
desk-word-action-referral-open = la organización abrió la derivación
desk-word-action-referral-attachment = la organización descargó un archivo compartido
desk-word-action-referral-update = la organización respondió
desk-word-change-status = Cambiar el estado
desk-word-assign-to = Asignar a
desk-word-nobody = Nadie
desk-word-save = Guardar
desk-word-note = Escribir una nota interna
desk-word-note-save = Guardar la nota
desk-word-reply = Responder a quien reporta
desk-word-reply-hint = Lo leerá con su frase de recibo. Escriba con palabras sencillas y no pida datos que la pongan en riesgo.
desk-word-reply-review = Pasar el caso a «En revisión» si es nuevo
desk-word-reply-send = Enviar la respuesta
desk-word-done = Hecho.
desk-word-error-action = No se pudo guardar. Revise la conexión e inténtelo de nuevo.
desk-word-error-case = El caso no se pudo abrir o no pasó las comprobaciones de este dispositivo. No responda hasta que su supervisora o supervisor lo revise.

## Referring, writing to a partner, printing.
desk-word-refer = Derivar a una organización aliada
desk-word-refer-partner = Organización
desk-word-fit-serves = atiende
desk-word-fit-country = trabaja en su país
desk-word-fit-language = habla su idioma
desk-word-no-partners = La mesa no tiene organizaciones aliadas activas.
desk-word-refer-fields = Qué se envía (solo lo necesario)
desk-word-refer-preview = Así lo verá la organización:
desk-word-consent-given = La persona aceptó que su caso se derive a una organización de apoyo.
desk-word-consent-missing = La persona no aceptó que su caso se derive. Derive solo si hace falta para protegerla, y diga por qué: el motivo queda cifrado en el historial.
desk-word-refer-reason = Motivo para derivar sin consentimiento
desk-word-refer-send = Enviar la derivación
desk-word-refer-untrusted = Las claves de esta organización no coinciden con las que firmó la mesa: no se envió nada. Avise a su supervisora o supervisor.
desk-word-override-reason = Derivada sin consentimiento. Motivo:
desk-word-to-partner = Escribir a la organización
desk-word-to-partner-send = Enviar a la organización
desk-word-print = Imprimir o guardar como PDF
desk-word-print-hint = Queda registrado en el historial del caso. El papel o el PDF no están cifrados: guárdelos con cuidado y destrúyalos cuando ya no hagan falta.
desk-word-files = Archivos
desk-word-files-hint = Se descifran en este aparato. Una imagen se muestra aquí; los demás archivos se guardan sin abrirse: pueden venir de quien extorsiona. Cada descarga queda en el historial del caso.
desk-word-files-unsealed = Los archivos del caso se muestran cuando una cuenta de la mesa ha sellado el caso.
desk-word-files-unlisted = La lista de archivos del caso no se pudo obtener. Revise la conexión y vuelva a abrir el caso.
desk-word-file-cleaned = limpiado en el aparato de quien reporta
desk-word-file-original = original, sin limpiar
desk-word-file-as-is = enviado tal como estaba, sin limpiar
desk-word-file-missing = todavía no llegó completo
desk-word-file-show = Ver
desk-word-file-save = Guardar
desk-word-file-failed = Este archivo no se pudo abrir, o no es el que el reporte nombra.
desk-word-action-case-export = imprimió o exportó el caso

## The supervisors' screen: invitations, vetting, disabling.
desk-word-nav-cases = Casos
desk-word-nav-team = Equipo
desk-word-team = Equipo de la mesa
desk-word-invite = Invitar a una persona
desk-word-invite-role = Rol
desk-word-role-worker = Trabajadora o trabajador de casos
desk-word-role-supervisor = Supervisora o supervisor
desk-word-invite-make = Crear un código de inscripción
desk-word-invite-code = Código de inscripción:
desk-word-invite-hint = Entréguelo en persona o por un canal seguro. Sirve una sola vez, hasta el
desk-word-accounts = Cuentas
desk-word-status-pending = pendiente de aprobación
desk-word-status-vetted = aprobada
desk-word-status-disabled = desactivada
desk-word-approved-by = Aprobada por:
desk-word-you = (usted)
desk-word-vet-number = Número de seguridad que la persona le lee desde su pantalla
desk-word-vet = Comparar y aprobar
desk-word-vet-mismatch = El número no coincide con las claves de esta cuenta. No apruebe: puede que las claves no sean de esa persona. Compárelo otra vez, en persona.
desk-word-vet-no-key = Esta cuenta aún no tiene clave de firma: pida a la persona que entre una vez con la versión actual y le lea su número.
desk-word-vetted = Aprobada: ya puede entrar y trabajar.
desk-word-approved-partly = Aprobación registrada: falta la de otra supervisora o supervisor.
desk-word-disable = Desactivar la cuenta
desk-word-disable-confirm = Sí, desactivar esta cuenta
desk-word-disabled-rotate = Cuenta desactivada y revocada en las declaraciones de la mesa. Cambie ahora la clave de la mesa desde la línea de comandos (resguardo desk rotate-key --reencrypt-open): este panel aún no lo hace.
desk-word-seal-warning = Atención: este dispositivo no pudo sellar el caso (la clave de respuesta que da el servidor no es la del reporte, o el caso tiene respuestas y ningún sello). No responda: avise a su supervisora o supervisor.

## The desk's history and retention, for supervisors.
desk-word-action-account-enrol = se inscribió
desk-word-action-account-totp_confirm = confirmó su aplicación de códigos
desk-word-action-account-signing_key = registró su clave de firma
desk-word-action-account-password = cambió su contraseña
desk-word-action-account-unlock_share = actualizó su cuenta
desk-word-action-login-ok = entró
desk-word-action-login-failed = intentos fallidos de entrar
desk-word-action-logout = salió
desk-word-action-desk-key_init = creó la clave de la mesa
desk-word-action-desk-key_rotate = cambió la clave de la mesa
desk-word-action-desk-statements_sign = firmó declaraciones de la mesa
desk-word-action-desk-export = exportó la mesa (servidor)
desk-word-action-account-approve = aprobó una cuenta
desk-word-action-account-vet = verificó una cuenta
desk-word-action-account-disable = desactivó una cuenta
desk-word-action-account-invite = creó un código de inscripción
desk-word-action-cases-read = descargó reportes cifrados para leerlos
desk-word-links = Casos vinculados
desk-word-links-hint = Lo que usó quien extorsiona aparece también en otros casos de la mesa. Las huellas se calculan en este dispositivo; el servidor solo las compara y no conoce los números ni las cuentas. Abra cada caso para confirmarlo.
desk-word-links-other = también en { $n } caso(s):
desk-word-action-links-export = exportó lo que comparten varios casos
desk-word-action-attachment-read = descargó un archivo adjunto
desk-word-action-partner-add = agregó una organización
desk-word-action-partner-disable = desactivó una organización
desk-word-action-partner-token = renovó el token de una organización
desk-word-action-retention-set = cambió la conservación
desk-word-action-retention-purge = borró casos vencidos
desk-word-audit = Historial de la mesa
desk-word-audit-actor = Quién
desk-word-audit-action = Qué
desk-word-audit-any = Todo
desk-word-audit-show = Mostrar
desk-word-audit-older = Más antiguos
desk-word-retention = Conservación de los casos
desk-word-retention-closed = Días que se guardan los casos cerrados (0: siempre)
desk-word-retention-spam = Días que se guardan los casos marcados como spam (0: siempre)
desk-word-retention-untriaged = Días que se guarda un caso nuevo que nadie revisó (0: siempre)
desk-word-retention-source-desk = Política propia de la mesa.
desk-word-retention-source-configuration = Política del servidor (la mesa aún no fijó la suya).

## Enrolling in the browser (the enrolment page).
desk-word-enrol-title = Inscribirse en la mesa
desk-word-enrol-link = ¿Tiene un código de inscripción? Inscríbase aquí.
desk-word-enrol-intro = Necesita el código de inscripción que le dio su supervisora o supervisor. Su clave se crea en este dispositivo y su contraseña nunca sale de él.
desk-word-enrol-code = Código de inscripción
desk-word-enrol-password-again = Repita la contraseña
desk-word-enrol-password-hint = Al menos 12 caracteres. Varias palabras sin relación entre sí funcionan bien; no use su nombre de usuario.
desk-word-weak-too-short = Muy corta: use al menos 12 caracteres.
desk-word-weak-too-long = Muy larga: como máximo 256 caracteres.
desk-word-weak-common = Es una de las contraseñas más usadas: elija otra.
desk-word-weak-contains-username = No puede contener su nombre de usuario.
desk-word-weak-guessable = Se adivinaría con facilidad: agregue palabras sin relación entre sí.
desk-word-weak-ok = Contraseña aceptada.
desk-word-enrol-mismatch = Las dos contraseñas no son iguales.
desk-word-enrol-submit = Crear mi cuenta
desk-word-enrol-working = Creando su clave y calculando la contraseña…
desk-word-enrol-error-code = El código de inscripción no es válido, ya se usó o venció. Pida uno nuevo a su supervisora o supervisor.
desk-word-enrol-error-taken = Ese nombre de usuario ya existe en la mesa: elija otro.
desk-word-enrol-error = No se pudo crear la cuenta. Revise la conexión e inténtelo de nuevo.
desk-word-totp-title = Su aplicación de códigos
desk-word-totp-intro = Abra su aplicación de autenticación (por ejemplo Aegis o FreeOTP) y escanee este código. No le saque foto ni lo comparta.
desk-word-qr-label = Código QR para la aplicación de autenticación
desk-word-totp-secret = Si no puede escanear, escriba esta clave en la aplicación:
desk-word-totp-code = Código de 6 dígitos que muestra ahora la aplicación
desk-word-totp-confirm = Confirmar
desk-word-totp-error = Ese código no es correcto o ya se usó: espere el siguiente e inténtelo de nuevo.
desk-word-safety-title = Su número de seguridad
desk-word-safety-intro = Léaselo en persona a su supervisora o supervisor, que lo comparará con el de su cuenta antes de aprobarla. No lo envíe por chat ni lo diga por teléfono.
desk-word-enrol-next = Cuando su cuenta esté aprobada, entre al panel.
desk-word-enrol-sign-in = Ir a entrar

## A new desk's first key, made in the browser.
desk-word-new-desk = Es una mesa nueva y yo soy su primera supervisora o supervisor: crear aquí la clave de la mesa
desk-word-new-root = La clave de la mesa está creada. Su número de seguridad raíz es:
desk-word-new-root-hint = Entréguelo en persona a cada persona que se inscriba y a cada organización aliada, y publíquelo donde quienes reportan lo vean (volantes, la página de la red): con él, sus dispositivos verifican las claves de la mesa.
desk-word-last-login = Última entrada:
desk-word-never-logged-in = Aún no ha entrado.

## The desk's content-free notice that work waits ([notifications]).
desk-notice = Resguardo: casos que esperan respuesta en la mesa: { $n }.

## The partner directory, for supervisors.
desk-word-partners = Organizaciones aliadas
desk-word-partner-add = Agregar una organización
desk-word-partner-name = Nombre
desk-word-partner-services = Servicios
desk-word-partner-countries = Países
desk-word-partner-languages = Idiomas
desk-word-partner-recipient = Clave pública de la organización (age1…)
desk-word-partner-signing-key = Clave de firma de la organización
desk-word-partner-keys-hint = Las dos claves y el número los muestra «resguardo partner keys» en el equipo de la organización.
desk-word-partner-contact = Contacto
desk-word-partner-webhook = Dirección de aviso (opcional, https://)
desk-word-partner-number = Número de seguridad que la organización le lee desde su pantalla
desk-word-partner-add-send = Agregar y firmar
desk-word-partner-token = Token de la organización (se muestra una sola vez; entréguelo en persona):
desk-word-partner-webhook-key = Clave de los avisos:
desk-word-partner-mismatch = El número no coincide con esas claves: no se agregó nada. Compárelo otra vez.
desk-word-partner-malformed = Revise el nombre y las claves: alguno no tiene la forma esperada.
desk-word-partner-untrusted = El servidor respondió con otra clave u otro nombre: no se firmó nada. Avise a quien administra el servidor.
desk-word-partner-disable = Desactivar la organización
desk-word-partner-disable-confirm = Sí, desactivar esta organización
desk-word-partner-token-new = Dar un token nuevo (el anterior deja de servir)
desk-word-partner-status-active = activa
desk-word-partner-status-disabled = desactivada
desk-word-service-law_enforcement = Policía o fiscalía
